/* serve: `klar serve`, the live preview. Builds the site through a build
 * session into a private folder, serves it over HTTP on loopback
 * (libmicrohttpd), watches content/, layouts/ and assets/ (inotify), brings
 * the build up to date after each burst of edits and tells the open pages
 * through server-sent events to reload or to show the build's errors. */
#ifndef KLAR_SERVE_H
#define KLAR_SERVE_H

/* The command: parses argv (the words after "serve"), runs until SIGINT or
 * SIGTERM, removes its private folder and returns the exit status (0 after
 * a clean stop, 1 when the server cannot start, 2 for a wrong command line). */
int cmd_serve(int argc, char **argv);

#endif
