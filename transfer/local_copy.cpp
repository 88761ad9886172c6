// Local file to local file, atomically: copy_file_range into DST.ferry-part (the kernel moves the bytes, with
// reflinks where the filesystem has them), then hash, fsync and rename.
#include "ferry/transfer.hpp"

#include "transfer/file_digest.hpp"
#include "transfer/source_file.hpp"
#include "transfer/staged_file.hpp"

#include <cerrno>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace ferry {

result<transfer_report> copy_local(const std::string& source, const std::string& destination,
                                   const transfer_options& options) {
  auto started = std::chrono::steady_clock::now();
  auto file = transfer::open_source_file(source);
  if (!file) return file.error();
  int in = file->fd.get();
  struct stat dst_st {};
  if (::stat(destination.c_str(), &dst_st) == 0 && dst_st.st_dev == file->info.device && dst_st.st_ino == file->info.inode)
    return failure(error::invalid_argument, "source and destination are the same file: '" + source + "'");
  std::uint64_t size = file->info.size;
  auto staged = transfer::staged_file::create(destination);
  if (!staged) return staged.error();
  if (auto r = staged->preallocate(size); !r) return r.error();

  std::uint64_t done = 0;
  bool use_read_write = false;
  std::vector<std::byte> buf;
  while (done < size) {
    std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(size - done, 64 << 20));
    ssize_t n = -1;
    if (!use_read_write) {
      loff_t in_off = static_cast<loff_t>(done), out_off = static_cast<loff_t>(done);
      n = ::copy_file_range(in, &in_off, staged->fd(), &out_off, want, 0);
      if (n < 0 && (errno == EXDEV || errno == EINVAL || errno == ENOSYS || errno == EOPNOTSUPP)) {
        use_read_write = true;  // across filesystems on older kernels, or special files
        buf.resize(8 << 20);
        continue;
      }
    } else {
      n = ::pread(in, buf.data(), std::min(want, buf.size()), static_cast<off_t>(done));
      if (n > 0) {
        if (auto r = staged->write_at(done, std::span(buf.data(), static_cast<std::size_t>(n))); !r) return r.error();
      }
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0)
      return make_failure(boost::system::error_code(errno, boost::system::system_category()),
                          "copying '" + source + "' to '" + staged->part_path() + "'");
    if (n == 0) return failure(error::io_error, "source '" + source + "' shrank while it was being copied");
    done += static_cast<std::uint64_t>(n);
    if (options.on_progress) options.on_progress({done, size});
  }
  auto digests = transfer::digest_file(staged->fd(), size, std::nullopt);
  if (!digests) return digests.error();
  if (auto r = staged->commit(); !r) return r.error();
  transfer_report report;
  report.source = source;
  report.destination = destination;
  report.bytes = size;
  report.parts = 1;
  report.xxh3 = digests->xxh3_hex;
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return report;
}

}  // namespace ferry
