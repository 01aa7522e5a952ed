#include "server/jetstream/api/golden.h"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

namespace quiver::server::jetstream::api::testing {
namespace {

constexpr const char* kPath = "server/jetstream/api/testdata/nats_server_2_9_10.json";

[[noreturn]] void die(const std::string& why) {
  std::fprintf(stderr, "golden: %s\n", why.c_str());
  std::abort();
}

const std::map<std::string, GoldenCase, std::less<>>& cases() {
  static const auto* loaded = [] {
    std::ifstream in(kPath, std::ios::binary);
    if (!in) die(std::string("cannot open ") + kPath);
    std::stringstream ss;
    ss << in.rdbuf();
    boost::system::error_code ec;
    const boost::json::value doc = boost::json::parse(ss.str(), ec);
    if (ec || !doc.is_object()) die("bad JSON in " + std::string(kPath));
    auto* out = new std::map<std::string, GoldenCase, std::less<>>();
    for (const auto& kv : doc.get_object()) {
      const auto& o = kv.value().get_object();
      GoldenCase c;
      c.subject = o.at("subject").get_string();
      c.body = o.at("body").get_string();
      for (const auto& h : o.at("headers").get_object()) {
        c.headers[std::string(h.key())] = std::string(h.value().get_string());
      }
      if (o.at("reply").is_string()) c.reply = std::string(o.at("reply").get_string());
      if (o.at("reply_headers").is_string() && !o.at("reply_headers").get_string().empty()) {
        c.reply_headers = std::string(o.at("reply_headers").get_string());
      }
      out->emplace(std::string(kv.key()), std::move(c));
    }
    return out;
  }();
  return *loaded;
}

}  // namespace

const GoldenCase& golden(std::string_view name) {
  const auto& all = cases();
  const auto it = all.find(name);
  if (it == all.end()) die("no case " + std::string(name));
  return it->second;
}

std::vector<std::string> golden_names() {
  std::vector<std::string> out;
  for (const auto& [name, c] : cases()) out.push_back(name);
  return out;
}

std::string golden_field(std::string_view json, std::string_view path) {
  boost::system::error_code ec;
  const boost::json::value doc = boost::json::parse(json, ec);
  if (ec) die("golden_field: bad JSON");
  const boost::json::value* v = &doc;
  while (!path.empty()) {
    const auto dot = path.find('.');
    const std::string_view key = path.substr(0, dot);
    if (v->is_array()) {
      const std::size_t index = std::stoul(std::string(key));
      if (index >= v->get_array().size()) die("golden_field: no index " + std::string(key));
      v = &v->get_array()[index];
    } else if (v->is_object() && v->get_object().contains(key)) {
      v = &v->get_object().at(key);
    } else {
      die("golden_field: no " + std::string(key));
    }
    path = dot == std::string_view::npos ? std::string_view() : path.substr(dot + 1);
  }
  if (!v->is_string()) die("golden_field: not a string");
  return std::string(v->get_string());
}

}  // namespace quiver::server::jetstream::api::testing
