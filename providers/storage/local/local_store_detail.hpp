// Pieces shared by local_store.cpp and local_multipart.cpp; not part of the store's API.
#pragma once

#include "ferry/local_file.hpp"
#include "ferry/object_store.hpp"
#include "providers/storage/checksum_verifier.hpp"

#include <mutex>
#include <string>

namespace ferry::storage::local_detail {

std::string etag_of(const io::file_info& info);
object_info info_of(std::string key, const io::file_info& info);

// Creates the directories above path inside root; a file where a directory is needed is invalid_argument.
result<void> make_parents(const std::string& root, const std::string& path, std::string_view key);

// Checks options' conditions against what is at path now and commits file there, under mutex.
result<void> commit_conditional(std::mutex& mutex, io::atomic_file& file, const std::string& path,
                                std::string_view key, const put_options& options);

// Appends [0, size) of src_fd to file, feeding verifier.
result<void> copy_into(int src_fd, std::uint64_t size, std::string_view src_path, io::atomic_file& file,
                       checksum_verifier& verifier);

// Streams a body_source into file, feeding verifier; checks the declared size.
result<void> write_body(http::body_source& body, io::atomic_file& file, checksum_verifier& verifier);

}  // namespace ferry::storage::local_detail
