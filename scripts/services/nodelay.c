/*
 * LD_PRELOAD shim: sets TCP_NODELAY on every TCP socket the process accepts
 * or connects. Debian's vpcd 3.3 (inside pcscd) sends a frame's 2-byte length
 * and its payload in two send() calls; with Nagle's algorithm and the peer's
 * delayed ACK every APDU then waits ~40 ms. Built and preloaded into pcscd by
 * services.sh; ONECARD_PCSC_NODELAY=0 runs pcscd without it.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stddef.h>
#include <sys/socket.h>

typedef int (*accept_fn)(int, struct sockaddr *, socklen_t *);
typedef int (*accept4_fn)(int, struct sockaddr *, socklen_t *, int);
typedef int (*connect_fn)(int, const struct sockaddr *, socklen_t);
static accept_fn real_accept;
static accept4_fn real_accept4;
static connect_fn real_connect;

__attribute__((constructor)) static void resolve(void) {
  real_accept = (accept_fn)dlsym(RTLD_NEXT, "accept");
  real_accept4 = (accept4_fn)dlsym(RTLD_NEXT, "accept4");
  real_connect = (connect_fn)dlsym(RTLD_NEXT, "connect");
}

static void set_nodelay(int fd) {
  int saved_errno = errno, one = 1;
  (void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one); /* fails harmlessly on AF_UNIX */
  errno = saved_errno;
}

int accept(int fd, struct sockaddr *addr, socklen_t *len) {
  int client = real_accept(fd, addr, len);
  if (client >= 0) set_nodelay(client);
  return client;
}

int accept4(int fd, struct sockaddr *addr, socklen_t *len, int flags) {
  int client = real_accept4(fd, addr, len, flags);
  if (client >= 0) set_nodelay(client);
  return client;
}

int connect(int fd, const struct sockaddr *addr, socklen_t len) {
  if (addr != NULL && (addr->sa_family == AF_INET || addr->sa_family == AF_INET6)) set_nodelay(fd);
  return real_connect(fd, addr, len);
}
