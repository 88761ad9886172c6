// A local file about to be sent or copied: open for reading, and it must be a regular file.
#pragma once

#include "ferry/local_file.hpp"

#include <string>

namespace ferry::transfer {

struct source_file {
  io::unique_fd fd;
  io::file_info info;
};

inline result<source_file> open_source_file(const std::string& path) {
  auto fd = io::open_read(path);
  if (!fd) return fd.error();
  auto info = io::stat_fd(fd->get(), path);
  if (!info) return info.error();
  if (!info->regular) return failure(error::invalid_argument, "source '" + path + "' is not a regular file");
  return source_file{std::move(*fd), *info};
}

}  // namespace ferry::transfer
