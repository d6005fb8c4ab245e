namespace Drydock.Build.Diagnostics;

/// <summary>
/// An expected failure caused by the user's input or machine, with the <see cref="KnownCodes"/> code
/// the task reports it under. The message says what is wrong, where, and what to do; it never holds a secret.
/// </summary>
public sealed class DrydockException : Exception
{
    public DrydockException(string code, string message, Exception? inner = null)
        : base(message, inner) => Code = code;

    public string Code { get; }
}
