// Permission checks that also work when the tests run as root (CI does): the check runs in a forked child that has
// dropped to nobody (uid/gid 65534), for whom a root-owned 0600 file is unreadable.
#pragma once

#include <grp.h>
#include <sys/wait.h>
#include <unistd.h>

#include <functional>
#include <optional>
#include <string>

namespace ferry::test {

// nullopt (with the reason in `why`) when privileges cannot be dropped; else what `check` returned in the child.
// `check` must not use Boost.Test macros (they would report from the child); it returns true when all is well.
inline std::optional<bool> run_unprivileged(const std::function<bool()>& check, std::string& why) {
  if (::geteuid() != 0) {
    why = "not root: run the check directly";
    return std::nullopt;
  }
  pid_t pid = ::fork();
  if (pid < 0) {
    why = "fork failed";
    return std::nullopt;
  }
  if (pid == 0) {
    if (::setgroups(0, nullptr) != 0 || ::setgid(65534) != 0 || ::setuid(65534) != 0) ::_exit(3);
    ::_exit(check() ? 0 : 1);
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 3) {
    why = "cannot drop to uid 65534 here";
    return std::nullopt;
  }
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

}  // namespace ferry::test
