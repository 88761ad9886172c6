// Plain HTTP objects: GET/HEAD/PUT/DELETE /<key> on the backend, and GET/HEAD /_gen/<size>[/name]?seed=N
// for generated content. The fallback dialect: it accepts every request no other dialect took.
#include "tests/support/object_response.hpp"
#include "tests/support/server_context.hpp"

#include "tests/support/generated_content.hpp"

#include <boost/asio/use_awaitable.hpp>

#include <charconv>
#include <vector>

namespace ferry::testd {
namespace {

constexpr std::string_view gen_prefix = "/_gen/";

class plain_dialect final : public dialect {
 public:
  std::string_view name() const override { return "plain"; }
  bool accepts(const exchange&) const override { return true; }

  boost::asio::awaitable<response> handle(exchange& ex) override {
    const std::string_view m = ex.method();
    if (ex.path().starts_with(gen_prefix)) co_return generated(ex, m);
    std::string key;
    try {
      key = percent_decode(ex.path());
      if (key.starts_with('/')) key.erase(0, 1);
      check_key(key);
    } catch (const invalid_key& e) {
      co_return make_response(400, std::string("invalid key: ") + e.what() + "\n");
    }
    auto& backend = *ex.context().backend;
    if (m == "GET" || m == "HEAD") {
      auto reader = backend.open(key);
      if (!reader) co_return make_response(404, "not found\n");
      response r = serve_object(ex, reader, m == "HEAD");
      r.replace = [&backend, key] { backend.replace_content(key); };
      co_return r;
    }
    if (m == "PUT") co_return co_await put(ex, backend, key);
    if (m == "DELETE") {
      if (!write_preconditions_hold(ex, backend.stat(key))) co_return make_response(412, "precondition failed\n");
      if (backend.remove(key)) co_return make_response(204);
      co_return make_response(404, "not found\n");
    }
    response r = make_response(405, "method not allowed\n");
    r.headers.set(http::field::allow, "GET, HEAD, PUT, DELETE");
    co_return r;
  }

 private:
  static response generated(exchange& ex, std::string_view m) {
    std::string_view rest = ex.path().substr(gen_prefix.size());
    auto size = parse_size(rest.substr(0, rest.find('/')));
    if (!size) return make_response(400, "bad generated size\n");
    std::uint64_t seed = 0;
    if (auto s = ex.query_param("seed")) {
      auto [p, ec] = std::from_chars(s->data(), s->data() + s->size(), seed);
      if (ec != std::errc{} || p != s->data() + s->size()) return make_response(400, "bad seed\n");
    }
    if (m != "GET" && m != "HEAD") {
      response r = make_response(405, "generated objects are read-only\n");
      r.headers.set(http::field::allow, "GET, HEAD");
      return r;
    }
    auto& gen = ex.context().generated;
    response r = serve_object(ex, gen.open(*size, seed), m == "HEAD");
    r.replace = [&gen, size = *size, seed] { gen.replace(size, seed); };
    return r;
  }

  static boost::asio::awaitable<response> put(exchange& ex, object_backend& backend, const std::string& key) {
    // Fail fast, before the body (and before 100 Continue); commit() checks again atomically.
    if (!write_preconditions_hold(ex, backend.stat(key))) co_return make_response(412, "precondition failed\n");
    std::string type(ex.field("Content-Type").value_or(""));
    auto writer = backend.create(key, type, {});
    std::vector<char> buf(1 << 20);
    for (;;) {
      std::size_t n = co_await ex.read_body(buf);
      if (n == 0) break;
      writer->write({buf.data(), n});
    }
    bool existed = false;
    auto info = writer->commit([&](const std::optional<object_info>& cur) {
      existed = cur.has_value();
      return write_preconditions_hold(ex, cur);
    });
    if (!info) co_return make_response(412, "precondition failed\n");
    response r = make_response(existed ? 200 : 201);
    r.headers.set(http::field::etag, info->etag);
    r.headers.set(http::field::last_modified, http_date(info->mtime));
    co_return r;
  }
};

}  // namespace

std::unique_ptr<dialect> make_plain_dialect() { return std::make_unique<plain_dialect>(); }

}  // namespace ferry::testd
