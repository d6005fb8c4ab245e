/*
 * A minimal `dotnet` muxer for the offline linux-arm64 base images (eng/base-images.sh).
 * NuGet serves the arm64 runtime packs (shared framework, libhostfxr.so, libhostpolicy.so) but no
 * package holds the `dotnet` executable itself. What that executable does for `dotnet app.dll` is
 * small: find host/fxr/<version>/libhostfxr.so under its own directory and hand the command line to
 * hostfxr_main_startupinfo (declared in the host pack's hostfxr.h), which resolves the framework and
 * runs the app. This does that, and nothing else (no SDK commands).
 */
#include <dirent.h>
#include <dlfcn.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef int32_t (*hostfxr_main_startupinfo_fn)(const int argc, const char **argv, const char *host_path,
                                               const char *dotnet_root, const char *app_path);

int main(int argc, const char **argv)
{
    char host_path[PATH_MAX];
    ssize_t length = readlink("/proc/self/exe", host_path, sizeof host_path - 1);
    if (length <= 0) {
        fprintf(stderr, "dotnet: cannot read /proc/self/exe\n");
        return 1;
    }
    host_path[length] = '\0';

    char root[PATH_MAX];
    strcpy(root, host_path);
    char *slash = strrchr(root, '/');
    *slash = '\0';

    /* The images hold one hostfxr version: take the only (or last) entry. */
    char fxr_dir[PATH_MAX];
    snprintf(fxr_dir, sizeof fxr_dir, "%s/host/fxr", root);
    DIR *dir = opendir(fxr_dir);
    if (dir == NULL) {
        fprintf(stderr, "dotnet: no %s\n", fxr_dir);
        return 1;
    }
    char version[NAME_MAX + 1] = "";
    for (struct dirent *entry; (entry = readdir(dir)) != NULL;) {
        if (entry->d_name[0] != '.' && strcmp(entry->d_name, version) > 0) {
            strcpy(version, entry->d_name);
        }
    }
    closedir(dir);

    char fxr[PATH_MAX];
    snprintf(fxr, sizeof fxr, "%s/%s/libhostfxr.so", fxr_dir, version);
    void *library = dlopen(fxr, RTLD_NOW | RTLD_LOCAL);
    if (library == NULL) {
        fprintf(stderr, "dotnet: %s\n", dlerror());
        return 1;
    }
    hostfxr_main_startupinfo_fn run = (hostfxr_main_startupinfo_fn)dlsym(library, "hostfxr_main_startupinfo");
    if (run == NULL) {
        fprintf(stderr, "dotnet: %s has no hostfxr_main_startupinfo\n", fxr);
        return 1;
    }
    return run(argc, argv, host_path, root, "");
}
