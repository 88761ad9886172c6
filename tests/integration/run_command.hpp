// Runs a program (no shell) and captures its exit status, stdout and stderr: for CLI end-to-end tests.
#pragma once

#include <string>
#include <vector>

namespace ferry::test {

struct command_result {
  int exit_code = -1;  // -1 when it did not exit normally
  std::string out, err;
};

command_result run_command(const std::vector<std::string>& argv, const std::vector<std::string>& extra_env = {});

// A fresh directory under $TMPDIR, removed with its contents on destruction.
class temp_dir {
 public:
  temp_dir();
  ~temp_dir();
  const std::string& path() const { return path_; }
  std::string operator/(const std::string& name) const { return path_ + "/" + name; }
  std::vector<std::string> entries() const;  // names inside, sorted

 private:
  std::string path_;
};

std::string read_file(const std::string& path);
void write_file(const std::string& path, const std::string& content);
bool file_exists(const std::string& path);
std::string random_bytes(std::size_t n, unsigned seed);

}  // namespace ferry::test
