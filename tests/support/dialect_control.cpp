// ferry_testd's own control routes under /_ferry/: fault scripts and counters. Never faulted, never
// counted in the request stats.
#include "tests/support/server_context.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace ferry::testd {
namespace {

response json_response(unsigned status, const boost::json::value& v) {
  return make_response(status, boost::json::serialize(v) + "\n", "application/json");
}

class control_dialect final : public dialect {
 public:
  std::string_view name() const override { return "control"; }
  bool accepts(const exchange& ex) const override { return ex.path().starts_with("/_ferry/"); }

  boost::asio::awaitable<response> handle(exchange& ex) override {
    auto& ctx = ex.context();
    const std::string_view p = ex.path(), m = ex.method();
    if (p == "/_ferry/faults") {
      if (m == "GET") co_return json_response(200, ctx.faults.to_json());
      if (m == "DELETE") {
        ctx.faults.clear();
        co_return make_response(204);
      }
      if (m == "POST" || m == "PUT") {
        std::string body = co_await ex.read_body_string();
        try {
          ctx.faults.load(boost::json::parse(body), ex.query_param("append").has_value());
        } catch (const std::exception& e) {
          co_return make_response(400, std::string("bad fault script: ") + e.what() + "\n");
        }
        co_return json_response(200, ctx.faults.to_json());
      }
    } else if (p == "/_ferry/stats") {
      if (m == "GET") co_return json_response(200, ctx.stats.to_json());
      if (m == "DELETE") {
        ctx.stats.reset();
        co_return make_response(204);
      }
    } else if (p == "/_ferry/health") {
      co_return make_response(200, "ok\n");
    } else {
      co_return make_response(404, "unknown control route\n");
    }
    co_return make_response(405, "method not allowed\n");
  }
};

}  // namespace

std::unique_ptr<dialect> make_control_dialect() { return std::make_unique<control_dialect>(); }

}  // namespace ferry::testd
