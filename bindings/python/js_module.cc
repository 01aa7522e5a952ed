#include "bindings/python/js_module.h"

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/json/parse.hpp>
#include <pybind11/stl.h>

#include "bindings/python/js_ops.h"
#include "client/errors.h"

namespace quiver::bindings {
namespace {

namespace asio = boost::asio;
using asio::awaitable;

// ---- handles -----------------------------------------------------------------------------
//
// Every class keeps the Bridge alive: the handles refer to its Connection. The Python side
// checks that the connection is open before starting an operation (a closed Bridge's I/O
// thread is gone, and an operation posted there would never complete).

// Results that become PyKv / PyObs (the Bridge is added on the loop thread: an OpDone that
// nobody takes must not keep its Bridge alive).
struct KvHandle {
  js::JetStream jetstream;
  js::KeyValue kv;
};

struct ObsHandle {
  js::ObjectStore store;
  std::chrono::milliseconds timeout;
};

struct PyPull {
  std::shared_ptr<Bridge> bridge;
  js::PullConsumer consumer;
};

struct PyPush {
  std::shared_ptr<Bridge> bridge;
  js::PushSubscription sub;
};

struct PyOrdered {
  std::shared_ptr<Bridge> bridge;
  js::OrderedConsumer consumer;
};

struct PyWatcher {
  std::shared_ptr<Bridge> bridge;
  js::KeyWatcher watcher;
};

struct PyKv {
  std::shared_ptr<Bridge> bridge;
  js::JetStream jetstream;
  js::KeyValue kv;
};

struct PyObs {
  std::shared_ptr<Bridge> bridge;
  js::ObjectStore store;
  std::chrono::milliseconds timeout;
};

struct PyJs {
  std::shared_ptr<Bridge> bridge;
  js::JetStream jetstream;
};

// ---- argument conversions ----------------------------------------------------------------

std::string string_of(py::handle obj, const char* what) { return std::string(utf8_of(obj, what)); }

std::string bytes_of(py::handle obj) {
  const Payload payload(obj);
  return std::string(payload.view());
}

boost::json::value json_arg(const std::string& text, const char* what) {
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(text, ec);
  if (ec) throw py::value_error(std::string(what) + ": invalid JSON: " + ec.message());
  return v;
}

js::StreamConfig stream_config_of(const std::string& text) {
  auto c = js::parse_stream_config(json_arg(text, "stream config"));
  if (!c) throw py::value_error("stream config: " + c.error().message());
  return std::move(c).value();
}

js::ConsumerConfig consumer_config_of(const std::string& text) {
  auto c = js::parse_consumer_config(json_arg(text, "consumer config"));
  if (!c) throw py::value_error("consumer config: " + c.error().message());
  return std::move(c).value();
}

js::Nanos nanos_of(double seconds) { return js::Nanos(static_cast<std::int64_t>(seconds * 1e9)); }

js::StorageType storage_of(const std::string& s) {
  if (s == "file") return js::StorageType::kFile;
  if (s == "memory") return js::StorageType::kMemory;
  throw py::value_error("storage must be 'file' or 'memory', not '" + s + "'");
}

js::DeliverPolicy deliver_policy_of(const std::string& s) {
  static const std::map<std::string, js::DeliverPolicy, std::less<>> kPolicies = {
      {"all", js::DeliverPolicy::kAll},
      {"last", js::DeliverPolicy::kLast},
      {"new", js::DeliverPolicy::kNew},
      {"by_start_sequence", js::DeliverPolicy::kByStartSequence},
      {"by_start_time", js::DeliverPolicy::kByStartTime},
      {"last_per_subject", js::DeliverPolicy::kLastPerSubject},
  };
  auto it = kPolicies.find(s);
  if (it == kPolicies.end()) throw py::value_error("unknown deliver policy '" + s + "'");
  return it->second;
}

// KeyValueConfig / ObjectStoreConfig fields from keyword arguments (nats-py's names; `ttl` in
// seconds). Unknown names are a TypeError.
js::KeyValueConfig kv_config_of(const py::kwargs& kwargs) {
  js::KeyValueConfig c;
  for (auto [k, v] : kwargs) {
    const std::string key = py::cast<std::string>(k);
    if (v.is_none()) continue;
    if (key == "bucket") {
      c.bucket = py::cast<std::string>(v);
    } else if (key == "description") {
      c.description = py::cast<std::string>(v);
    } else if (key == "max_value_size") {
      c.max_value_size = py::cast<std::int32_t>(v);
    } else if (key == "history") {
      c.history = py::cast<int>(v);
    } else if (key == "ttl") {
      c.ttl = nanos_of(py::cast<double>(v));
    } else if (key == "max_bytes") {
      c.max_bytes = py::cast<std::int64_t>(v);
    } else if (key == "storage") {
      c.storage = storage_of(py::cast<std::string>(v));
    } else if (key == "replicas") {
      c.replicas = py::cast<int>(v);
    } else {
      throw py::type_error("key value config: unknown option '" + key + "'");
    }
  }
  return c;
}

js::ObjectStoreConfig obs_config_of(const py::kwargs& kwargs) {
  js::ObjectStoreConfig c;
  for (auto [k, v] : kwargs) {
    const std::string key = py::cast<std::string>(k);
    if (v.is_none()) continue;
    if (key == "bucket") {
      c.bucket = py::cast<std::string>(v);
    } else if (key == "description") {
      c.description = py::cast<std::string>(v);
    } else if (key == "ttl") {
      c.ttl = nanos_of(py::cast<double>(v));
    } else if (key == "max_bytes") {
      c.max_bytes = py::cast<std::int64_t>(v);
    } else if (key == "storage") {
      c.storage = storage_of(py::cast<std::string>(v));
    } else if (key == "replicas") {
      c.replicas = py::cast<int>(v);
    } else {
      throw py::type_error("object store config: unknown option '" + key + "'");
    }
  }
  return c;
}

// ---- result conversions ------------------------------------------------------------------

py::object bytes_object(std::string_view s) {
  return py::reinterpret_steal<py::object>(
      PyBytes_FromStringAndSize(s.data(), static_cast<Py_ssize_t>(s.size())));
}

std::int64_t ns_of(js::Time t) { return t.time_since_epoch().count(); }

py::object js_error_tuple(const js::Error& e) {
  return py::make_tuple(e.code.value(), std::string(e.code.category().name()), e.code.message(),
                        e.status, e.err_code, str_of(e.description));
}

py::object entry_tuple(const js::Entry& e) {
  return py::make_tuple(str_of(e.bucket), str_of(e.key), bytes_object(e.value), e.revision, e.delta,
                        ns_of(e.created), std::string(js::to_string(e.operation)));
}

py::object optional_error(const std::optional<js::Error>& e) {
  return e ? js_error_tuple(*e) : py::none();
}

template <class T>
bool convert_as(std::any& value, py::object& out, auto&& fn) {
  if (auto* p = std::any_cast<T>(&value)) {
    out = fn(*p);
    return true;
  }
  return false;
}

}  // namespace

py::object js_value(std::any& value, JsConvert& c) {
  py::object out;
  auto& bridge = c.bridge;
  auto maker = [&c]() -> MsgMaker& {
    if (!c.maker) c.maker.emplace(c.client, py::none());
    return *c.maker;
  };
  // Most frequent first.
  if (convert_as<MsgBatch>(value, out,
                           [&](MsgBatch& b) {
                             py::list msgs(b.messages.size());
                             for (std::size_t i = 0; i < b.messages.size(); ++i) {
                               msgs[i] = maker().make(b.messages[i].message());
                             }
                             return py::make_tuple(std::move(msgs), optional_error(b.error));
                           }) ||
      convert_as<js::PubAck>(value, out,
                             [](js::PubAck& a) {
                               return py::make_tuple(str_of(a.stream), a.seq, a.duplicate,
                                                     str_of(a.domain));
                             }) ||
      convert_as<Unit>(value, out, [](Unit&) { return py::none(); }) ||
      convert_as<std::uint64_t>(value, out, [](std::uint64_t n) { return py::int_(n); }) ||
      convert_as<JsonText>(value, out, [](JsonText& j) { return str_of(j.text); }) ||
      convert_as<EntryBatch>(value, out,
                             [](EntryBatch& b) {
                               py::list entries(b.entries.size());
                               for (std::size_t i = 0; i < b.entries.size(); ++i) {
                                 entries[i] =
                                     b.entries[i] ? entry_tuple(*b.entries[i]) : py::none();
                               }
                               return py::make_tuple(std::move(entries), optional_error(b.error));
                             }) ||
      convert_as<js::Entry>(value, out, [](js::Entry& e) { return entry_tuple(e); }) ||
      convert_as<std::vector<js::Entry>>(value, out,
                                         [](std::vector<js::Entry>& v) {
                                           py::list l(v.size());
                                           for (std::size_t i = 0; i < v.size(); ++i) {
                                             l[i] = entry_tuple(v[i]);
                                           }
                                           return py::object(std::move(l));
                                         }) ||
      convert_as<std::string>(value, out, [](std::string& s) { return str_of(s); }) ||
      convert_as<std::vector<std::string>>(value, out,
                                           [](std::vector<std::string>& v) {
                                             py::list l(v.size());
                                             for (std::size_t i = 0; i < v.size(); ++i) {
                                               l[i] = str_of(v[i]);
                                             }
                                             return py::object(std::move(l));
                                           }) ||
      convert_as<js::StoredMsg>(value, out,
                                [](js::StoredMsg& m) {
                                  py::object headers = py::none();
                                  if (m.headers.status() != 0 || !m.headers.fields().empty()) {
                                    headers = headers_dict(m.headers);
                                  }
                                  return py::make_tuple(str_of(m.subject), m.seq,
                                                        bytes_object(m.data), std::move(headers),
                                                        ns_of(m.time));
                                }) ||
      convert_as<ObjectData>(
          value, out,
          [](ObjectData& o) { return py::make_tuple(str_of(o.info), bytes_object(o.data)); }) ||
      convert_as<KvHandle>(value, out,
                           [&](KvHandle& h) {
                             return py::cast(PyKv{bridge, std::move(h.jetstream), std::move(h.kv)});
                           }) ||
      convert_as<js::KeyWatcher>(value, out,
                                 [&](js::KeyWatcher& w) {
                                   return py::cast(PyWatcher{bridge, std::move(w)});
                                 }) ||
      convert_as<js::PushSubscription>(value, out,
                                       [&](js::PushSubscription& s) {
                                         return py::cast(PyPush{bridge, std::move(s)});
                                       }) ||
      convert_as<js::OrderedConsumer>(value, out,
                                      [&](js::OrderedConsumer& o) {
                                        return py::cast(PyOrdered{bridge, std::move(o)});
                                      }) ||
      convert_as<ObsHandle>(value, out, [&](ObsHandle& o) {
        return py::cast(PyObs{bridge, std::move(o.store), o.timeout});
      })) {
    if (!out) throw py::error_already_set();
    return out;
  }
  throw py::type_error(std::string("quiver: no conversion for a result of type ") +
                       value.type().name());
}

py::object make_jetstream(std::shared_ptr<Bridge> bridge, const py::kwargs& kwargs) {
  js::JetStreamOptions o;
  for (auto [k, v] : kwargs) {
    const std::string key = py::cast<std::string>(k);
    if (v.is_none()) continue;
    if (key == "api_prefix") {
      o.api_prefix = py::cast<std::string>(v);
    } else if (key == "domain") {
      o.domain = py::cast<std::string>(v);
    } else if (key == "timeout") {
      o.timeout = ms(py::cast<double>(v));
    } else if (key == "max_pending") {
      o.max_pending = py::cast<std::size_t>(v);
    } else if (key == "stall_wait") {
      o.stall_wait = ms(py::cast<double>(v));
    } else {
      throw py::type_error("jetstream: unknown option '" + key + "'");
    }
  }
  js::JetStream jetstream(bridge->connection(), std::move(o));
  return py::cast(PyJs{std::move(bridge), std::move(jetstream)});
}

namespace {

using std::chrono::milliseconds;
using Release = py::gil_scoped_release;

// ---- JetStream context -------------------------------------------------------------------

std::uint64_t js_publish(PyJs& self, py::handle subject, py::handle data, py::handle headers,
                         std::string stream, double timeout) {
  std::string s = string_of(subject, "subject");
  std::string d = bytes_of(data);
  std::optional<codec::Headers> h = headers_of(headers);
  const milliseconds t = ms(timeout);
  Release release;
  return spawn_result(*self.bridge, [jetstream = self.jetstream, s = std::move(s), d = std::move(d),
                                     h = std::move(h), stream = std::move(stream), t]() mutable {
    js::PublishOptions o;
    o.headers = h ? &*h : nullptr;
    o.expected_stream = stream;
    o.timeout = t;
    return jetstream.publish(s, d, o);
  });
}

py::tuple js_publish_async(PyJs& self, py::handle subject, py::handle data, py::handle headers,
                           std::string stream) {
  std::string s = string_of(subject, "subject");
  std::string d = bytes_of(data);
  std::optional<codec::Headers> h = headers_of(headers);
  AsyncPublish ids;
  {
    Release release;
    // The context fails an acknowledgement after its timeout; the margin only covers that.
    const milliseconds ack_timeout = self.jetstream.options().timeout + std::chrono::seconds(5);
    ids = publish_async(*self.bridge, self.jetstream, std::move(s), std::move(d), std::move(h),
                        std::move(stream), ack_timeout);
  }
  return py::make_tuple(ids.accepted, ids.acked);
}

std::uint64_t js_get_msg(PyJs& self, std::string stream, std::uint64_t seq, std::string subject,
                         bool next, bool direct) {
  if (!direct && next) throw py::value_error("get_msg: next=True needs direct=True");
  if (subject.empty() && seq == 0) throw py::value_error("get_msg: a seq or a subject is needed");
  Release release;
  return spawn_result(
      *self.bridge,
      [jetstream = self.jetstream, stream = std::move(stream), seq, subject = std::move(subject),
       next, direct]() mutable -> awaitable<js::JsResult<js::StoredMsg>> {
        if (direct) {
          js::DirectGetRequest req;
          if (next) {
            req.seq = seq == 0 ? 1 : seq;
            req.next_by_subj = subject;
          } else if (!subject.empty()) {
            req.last_by_subj = subject;
          } else {
            req.seq = seq;
          }
          co_return co_await jetstream.direct_get(stream, req);
        }
        if (!subject.empty()) co_return co_await jetstream.get_last_msg(stream, subject);
        co_return co_await jetstream.get_msg(stream, seq);
      });
}

std::uint64_t js_ordered(PyJs& self, std::string stream, std::string filter,
                         std::string deliver_policy, std::uint64_t opt_start_seq, bool headers_only,
                         double idle_heartbeat) {
  js::OrderedConsumerOptions o;
  o.deliver_policy = deliver_policy_of(deliver_policy);
  o.opt_start_seq = opt_start_seq;
  o.headers_only = headers_only;
  if (idle_heartbeat > 0) o.idle_heartbeat = ms(idle_heartbeat);
  Release release;
  // ordered_consumer() takes the options by reference: they live in this lambda, which lives
  // until the operation completes (a local of a non-coroutine factory would not).
  return spawn_result(*self.bridge, [jetstream = self.jetstream, stream = std::move(stream),
                                     filter = std::move(filter), o]() mutable {
    o.filter_subject = filter;
    return jetstream.ordered_consumer(stream, o);
  });
}

std::uint64_t js_create_kv(PyJs& self, const py::kwargs& kwargs) {
  js::KeyValueConfig config = kv_config_of(kwargs);
  Release release;
  return spawn_result(*self.bridge,
                      [jetstream = self.jetstream,
                       config = std::move(config)]() mutable -> awaitable<js::JsResult<KvHandle>> {
                        auto kv = co_await jetstream.create_key_value(config);
                        if (!kv) co_return std::move(kv).error();
                        co_return KvHandle{jetstream, std::move(kv).value()};
                      });
}

std::uint64_t js_open_kv(PyJs& self, std::string bucket) {
  Release release;
  return spawn_result(*self.bridge,
                      [jetstream = self.jetstream,
                       bucket = std::move(bucket)]() mutable -> awaitable<js::JsResult<KvHandle>> {
                        auto kv = co_await jetstream.key_value(bucket);
                        if (!kv) co_return std::move(kv).error();
                        co_return KvHandle{jetstream, std::move(kv).value()};
                      });
}

std::uint64_t js_create_obs(PyJs& self, const py::kwargs& kwargs) {
  js::ObjectStoreConfig config = obs_config_of(kwargs);
  Release release;
  return spawn_result(*self.bridge,
                      [jetstream = self.jetstream,
                       config = std::move(config)]() mutable -> awaitable<js::JsResult<ObsHandle>> {
                        auto store = co_await jetstream.create_object_store(config);
                        if (!store) co_return std::move(store).error();
                        co_return ObsHandle{std::move(store).value(), jetstream.options().timeout};
                      });
}

std::uint64_t js_open_obs(PyJs& self, std::string bucket) {
  Release release;
  return spawn_result(*self.bridge,
                      [jetstream = self.jetstream,
                       bucket = std::move(bucket)]() mutable -> awaitable<js::JsResult<ObsHandle>> {
                        auto store = co_await jetstream.object_store(bucket);
                        if (!store) co_return std::move(store).error();
                        co_return ObsHandle{std::move(store).value(), jetstream.options().timeout};
                      });
}

// A method of PyJs that runs `call(jetstream)` and returns its operation id.
template <class Call>
std::uint64_t run(PyJs& self, Call call) {
  Release release;
  return spawn_result(*self.bridge, [jetstream = self.jetstream, call = std::move(call)]() mutable {
    return call(jetstream);
  });
}

void register_context(py::module_& m) {
  py::class_<PyJs>(m, "JetStream")
      .def("publish", &js_publish, py::arg("subject"), py::arg("data"), py::arg("headers"),
           py::arg("stream"), py::arg("timeout"))
      .def("publish_async", &js_publish_async, py::arg("subject"), py::arg("data"),
           py::arg("headers"), py::arg("stream"))
      .def(
          "publish_async_complete",
          [](PyJs& self, double timeout) {
            return run(self,
                       [t = ms(timeout)](js::JetStream& j) { return j.publish_async_complete(t); });
          },
          py::arg("timeout"))
      .def(
          "publish_async_pending",
          [](PyJs& self) { return self.jetstream.publish_async_pending(); },
          py::call_guard<Release>())
      .def("account_info",
           [](PyJs& self) { return run(self, [](js::JetStream& j) { return j.account_info(); }); })
      .def(
          "add_stream",
          [](PyJs& self, const std::string& config) {
            return run(
                self, [c = stream_config_of(config)](js::JetStream& j) { return j.add_stream(c); });
          },
          py::arg("config"))
      .def(
          "update_stream",
          [](PyJs& self, const std::string& config) {
            return run(self, [c = stream_config_of(config)](js::JetStream& j) {
              return j.update_stream(c);
            });
          },
          py::arg("config"))
      .def(
          "stream_info",
          [](PyJs& self, std::string name, std::string subjects_filter, bool deleted_details) {
            return run(self, [name = std::move(name), filter = std::move(subjects_filter),
                              deleted_details](js::JetStream& j) {
              js::StreamInfoOptions o;
              o.subjects_filter = filter;
              o.deleted_details = deleted_details;
              return j.stream_info(name, o);
            });
          },
          py::arg("name"), py::arg("subjects_filter"), py::arg("deleted_details"))
      .def(
          "delete_stream",
          [](PyJs& self, std::string name) {
            return run(
                self, [name = std::move(name)](js::JetStream& j) { return j.delete_stream(name); });
          },
          py::arg("name"))
      .def(
          "purge_stream",
          [](PyJs& self, std::string name, std::string filter, std::uint64_t seq,
             std::uint64_t keep) {
            return run(self, [name = std::move(name), filter = std::move(filter), seq,
                              keep](js::JetStream& j) {
              js::PurgeOptions o;
              o.filter = filter;
              o.seq = seq;
              o.keep = keep;
              return j.purge_stream(name, o);
            });
          },
          py::arg("name"), py::arg("filter"), py::arg("seq"), py::arg("keep"))
      .def(
          "stream_names",
          [](PyJs& self, std::string subject) {
            return run(self, [subject = std::move(subject)](js::JetStream& j) {
              return j.stream_names(subject);
            });
          },
          py::arg("subject"))
      .def(
          "streams",
          [](PyJs& self, std::string subject) {
            return run(self, [subject = std::move(subject)](js::JetStream& j) {
              return j.streams(subject);
            });
          },
          py::arg("subject"))
      .def(
          "stream_name_by_subject",
          [](PyJs& self, std::string subject) {
            return run(self, [subject = std::move(subject)](js::JetStream& j) {
              return j.stream_name_by_subject(subject);
            });
          },
          py::arg("subject"))
      .def("get_msg", &js_get_msg, py::arg("stream"), py::arg("seq"), py::arg("subject"),
           py::arg("next"), py::arg("direct"))
      .def(
          "delete_msg",
          [](PyJs& self, std::string stream, std::uint64_t seq, bool erase) {
            return run(self, [stream = std::move(stream), seq, erase](js::JetStream& j) {
              return j.delete_msg(stream, seq, erase);
            });
          },
          py::arg("stream"), py::arg("seq"), py::arg("erase"))
      .def(
          "add_consumer",
          [](PyJs& self, std::string stream, const std::string& config) {
            return run(self, [stream = std::move(stream), c = consumer_config_of(config)](
                                 js::JetStream& j) { return j.add_consumer(stream, c); });
          },
          py::arg("stream"), py::arg("config"))
      .def(
          "consumer_info",
          [](PyJs& self, std::string stream, std::string consumer) {
            return run(self, [stream = std::move(stream), consumer = std::move(consumer)](
                                 js::JetStream& j) { return j.consumer_info(stream, consumer); });
          },
          py::arg("stream"), py::arg("consumer"))
      .def(
          "delete_consumer",
          [](PyJs& self, std::string stream, std::string consumer) {
            return run(self, [stream = std::move(stream), consumer = std::move(consumer)](
                                 js::JetStream& j) { return j.delete_consumer(stream, consumer); });
          },
          py::arg("stream"), py::arg("consumer"))
      .def(
          "consumers",
          [](PyJs& self, std::string stream) {
            return run(self, [stream = std::move(stream)](js::JetStream& j) {
              return j.consumers(stream);
            });
          },
          py::arg("stream"))
      .def(
          "consumer_names",
          [](PyJs& self, std::string stream) {
            return run(self, [stream = std::move(stream)](js::JetStream& j) {
              return j.consumer_names(stream);
            });
          },
          py::arg("stream"))
      .def(
          "pull_consumer",
          [](PyJs& self, const std::string& stream, const std::string& consumer) {
            return PyPull{self.bridge, self.jetstream.pull_consumer(stream, consumer)};
          },
          py::arg("stream"), py::arg("consumer"))
      .def(
          "subscribe_push",
          [](PyJs& self, std::string stream, const std::string& config) {
            return run(self, [stream = std::move(stream), c = consumer_config_of(config)](
                                 js::JetStream& j) { return j.subscribe_push(stream, c); });
          },
          py::arg("stream"), py::arg("config"))
      .def(
          "bind_push",
          [](PyJs& self, std::string stream, std::string consumer) {
            return run(self, [stream = std::move(stream), consumer = std::move(consumer)](
                                 js::JetStream& j) { return j.bind_push(stream, consumer); });
          },
          py::arg("stream"), py::arg("consumer"))
      .def("ordered_consumer", &js_ordered, py::arg("stream"), py::arg("filter_subject"),
           py::arg("deliver_policy"), py::arg("opt_start_seq"), py::arg("headers_only"),
           py::arg("idle_heartbeat"))
      .def("create_key_value", &js_create_kv)
      .def("key_value", &js_open_kv, py::arg("bucket"))
      .def(
          "delete_key_value",
          [](PyJs& self, std::string bucket) {
            return run(self, [bucket = std::move(bucket)](js::JetStream& j) {
              return j.delete_key_value(bucket);
            });
          },
          py::arg("bucket"))
      .def("create_object_store", &js_create_obs)
      .def("object_store", &js_open_obs, py::arg("bucket"))
      .def(
          "delete_object_store",
          [](PyJs& self, std::string bucket) {
            return run(self, [bucket = std::move(bucket)](js::JetStream& j) {
              return j.delete_object_store(bucket);
            });
          },
          py::arg("bucket"))
      .def_property_readonly("timeout", [](const PyJs& self) {
        return static_cast<double>(self.jetstream.options().timeout.count()) / 1000.0;
      });
}

// ---- consumers ---------------------------------------------------------------------------

void register_consumers(py::module_& m) {
  py::class_<PyPull>(m, "PullConsumer")
      .def_property_readonly("stream", [](const PyPull& p) { return p.consumer.stream(); })
      .def_property_readonly("name", [](const PyPull& p) { return p.consumer.name(); })
      .def(
          "fetch",
          [](PyPull& p, std::size_t batch, double timeout, double heartbeat) {
            if (batch == 0) throw py::value_error("fetch: batch must be at least 1");
            Release release;
            return spawn_js(*p.bridge, [consumer = p.consumer, batch, t = ms(timeout),
                                        hb = ms(heartbeat)]() mutable {
              return fetch(consumer, batch, t, hb);
            });
          },
          py::arg("batch"), py::arg("timeout"), py::arg("heartbeat"))
      .def("info", [](PyPull& p) {
        Release release;
        return spawn_result(*p.bridge,
                            [consumer = p.consumer]() mutable { return consumer.info(); });
      });

  py::class_<PyPush>(m, "PushSubscription")
      .def_property_readonly("stream", [](const PyPush& p) { return p.sub.stream(); })
      .def_property_readonly("consumer", [](const PyPush& p) { return p.sub.consumer(); })
      .def_property_readonly("info", [](const PyPush& p) { return json_of(p.sub.info()); })
      .def(
          "next",
          [](PyPush& p, std::size_t max, double timeout) {
            Release release;
            return spawn_js(*p.bridge, [sub = p.sub, max, t = ms(timeout)]() mutable {
              return next_batch(sub, max, t);
            });
          },
          py::arg("max"), py::arg("timeout"))
      .def(
          "unsubscribe", [](PyPush& p) { p.sub.unsubscribe(); }, py::call_guard<Release>());

  py::class_<PyOrdered>(m, "OrderedConsumer")
      .def_property_readonly("consumer_name",
                             [](const PyOrdered& o) { return o.consumer.consumer_name(); })
      .def_property_readonly("resets", [](const PyOrdered& o) { return o.consumer.resets(); })
      .def_property_readonly("initial_pending",
                             [](const PyOrdered& o) { return o.consumer.initial_pending(); })
      .def(
          "next",
          [](PyOrdered& o, std::size_t max, double timeout) {
            Release release;
            return spawn_js(*o.bridge, [consumer = o.consumer, max, t = ms(timeout)]() mutable {
              return next_batch(consumer, max, t);
            });
          },
          py::arg("max"), py::arg("timeout"))
      .def("stop", [](PyOrdered& o) {
        Release release;
        return spawn_result(*o.bridge,
                            [consumer = o.consumer]() mutable { return consumer.stop(); });
      });
}

// ---- Key/Value -----------------------------------------------------------------------------

template <class Call>
std::uint64_t run_kv(PyKv& self, Call call) {
  Release release;
  return spawn_result(*self.bridge,
                      [kv = self.kv, call = std::move(call)]() mutable { return call(kv); });
}

void register_kv(py::module_& m) {
  py::class_<PyKv>(m, "KeyValue")
      .def_property_readonly("bucket", [](const PyKv& k) { return k.kv.bucket(); })
      .def_property_readonly("stream", [](const PyKv& k) { return k.kv.stream(); })
      .def(
          "get",
          [](PyKv& k, std::string key, std::uint64_t revision) {
            Release release;
            return spawn_js(*k.bridge,
                            [jetstream = k.jetstream, kv = k.kv, key = std::move(key),
                             revision]() mutable { return kv_get(jetstream, kv, key, revision); });
          },
          py::arg("key"), py::arg("revision"))
      .def(
          "put",
          [](PyKv& k, std::string key, py::handle value) {
            return run_kv(k, [key = std::move(key), v = bytes_of(value)](js::KeyValue& kv) {
              return kv.put(key, v);
            });
          },
          py::arg("key"), py::arg("value"))
      .def(
          "create",
          [](PyKv& k, std::string key, py::handle value) {
            return run_kv(k, [key = std::move(key), v = bytes_of(value)](js::KeyValue& kv) {
              return kv.create(key, v);
            });
          },
          py::arg("key"), py::arg("value"))
      .def(
          "update",
          [](PyKv& k, std::string key, py::handle value, std::uint64_t last) {
            return run_kv(k, [key = std::move(key), v = bytes_of(value), last](js::KeyValue& kv) {
              return kv.update(key, v, last);
            });
          },
          py::arg("key"), py::arg("value"), py::arg("last"))
      .def(
          "delete",
          [](PyKv& k, std::string key, std::uint64_t last) {
            return run_kv(
                k, [key = std::move(key), last](js::KeyValue& kv) { return kv.erase(key, last); });
          },
          py::arg("key"), py::arg("last"))
      .def(
          "purge",
          [](PyKv& k, std::string key, std::uint64_t last) {
            return run_kv(
                k, [key = std::move(key), last](js::KeyValue& kv) { return kv.purge(key, last); });
          },
          py::arg("key"), py::arg("last"))
      .def("keys", [](PyKv& k) { return run_kv(k, [](js::KeyValue& kv) { return kv.keys(); }); })
      .def(
          "history",
          [](PyKv& k, std::string key) {
            return run_kv(k, [key = std::move(key)](js::KeyValue& kv) { return kv.history(key); });
          },
          py::arg("key"))
      .def("status",
           [](PyKv& k) { return run_kv(k, [](js::KeyValue& kv) { return kv.status(); }); })
      .def(
          "watch",
          [](PyKv& k, std::string keys, bool include_history, bool ignore_deletes, bool meta_only,
             bool updates_only) {
            js::WatchOptions o;
            o.include_history = include_history;
            o.ignore_deletes = ignore_deletes;
            o.meta_only = meta_only;
            o.updates_only = updates_only;
            return run_kv(
                k, [keys = std::move(keys), o](js::KeyValue& kv) { return kv.watch(keys, o); });
          },
          py::arg("keys"), py::arg("include_history"), py::arg("ignore_deletes"),
          py::arg("meta_only"), py::arg("updates_only"));

  py::class_<PyWatcher>(m, "KeyWatcher")
      .def(
          "next",
          [](PyWatcher& w, std::size_t max, double timeout) {
            Release release;
            return spawn_js(*w.bridge, [watcher = w.watcher, max, t = ms(timeout)]() mutable {
              return next_entries(watcher, max, t);
            });
          },
          py::arg("max"), py::arg("timeout"))
      .def("stop", [](PyWatcher& w) {
        Release release;
        return spawn_result(*w.bridge, [watcher = w.watcher]() mutable { return watcher.stop(); });
      });
}

// ---- object stores -------------------------------------------------------------------------

template <class Call>
std::uint64_t run_obs(PyObs& self, Call call) {
  Release release;
  return spawn_result(
      *self.bridge, [store = self.store, call = std::move(call)]() mutable { return call(store); });
}

void register_obs(py::module_& m) {
  py::class_<PyObs>(m, "ObjectStore")
      .def_property_readonly("bucket", [](const PyObs& o) { return o.store.bucket(); })
      .def_property_readonly("stream", [](const PyObs& o) { return o.store.stream(); })
      .def(
          "put",
          [](PyObs& o, std::string name, py::handle data, std::string description,
             std::map<std::string, std::vector<std::string>> headers) {
            js::ObjectMeta meta;
            meta.name = std::move(name);
            meta.description = std::move(description);
            meta.headers = std::move(headers);
            return run_obs(o, [meta = std::move(meta), d = bytes_of(data)](js::ObjectStore& s) {
              return s.put(meta, d);
            });
          },
          py::arg("name"), py::arg("data"), py::arg("description"), py::arg("headers"))
      .def(
          "get",
          [](PyObs& o, std::string name) {
            Release release;
            return spawn_js(*o.bridge,
                            [store = o.store, name = std::move(name), t = o.timeout]() mutable {
                              return object_get(store, name, t);
                            });
          },
          py::arg("name"))
      .def(
          "info",
          [](PyObs& o, std::string name, bool show_deleted) {
            return run_obs(o, [name = std::move(name), show_deleted](js::ObjectStore& s) {
              return s.info(name, show_deleted);
            });
          },
          py::arg("name"), py::arg("show_deleted"))
      .def("list", [](PyObs& o) { return run_obs(o, [](js::ObjectStore& s) { return s.list(); }); })
      .def(
          "delete",
          [](PyObs& o, std::string name) {
            return run_obs(o,
                           [name = std::move(name)](js::ObjectStore& s) { return s.erase(name); });
          },
          py::arg("name"));
}

}  // namespace

void register_jetstream(py::module_& m) {
  register_context(m);
  register_consumers(m);
  register_kv(m);
  register_obs(m);

  py::dict errc;
#define QV_JS_ERRC(name) errc[#name] = static_cast<int>(js::errc::name)
  QV_JS_ERRC(kApiError);
  QV_JS_ERRC(kNotEnabled);
  QV_JS_ERRC(kNoStreamResponse);
  QV_JS_ERRC(kBadResponse);
  QV_JS_ERRC(kInvalidArgument);
  QV_JS_ERRC(kStreamNotFound);
  QV_JS_ERRC(kStreamNameInUse);
  QV_JS_ERRC(kConsumerNotFound);
  QV_JS_ERRC(kConsumerExists);
  QV_JS_ERRC(kMessageNotFound);
  QV_JS_ERRC(kWrongLastSequence);
  QV_JS_ERRC(kWrongLastMsgId);
  QV_JS_ERRC(kStreamMismatch);
  QV_JS_ERRC(kNotJetStreamMessage);
  QV_JS_ERRC(kAlreadyAcked);
  QV_JS_ERRC(kNoHeartbeat);
  QV_JS_ERRC(kConsumerDeleted);
  QV_JS_ERRC(kPullRequestFailed);
  QV_JS_ERRC(kTooManyStalled);
  QV_JS_ERRC(kBucketNotFound);
  QV_JS_ERRC(kBadBucket);
  QV_JS_ERRC(kInvalidBucketName);
  QV_JS_ERRC(kInvalidKey);
  QV_JS_ERRC(kHistoryTooLarge);
  QV_JS_ERRC(kKeyNotFound);
  QV_JS_ERRC(kKeyExists);
  QV_JS_ERRC(kObjectNotFound);
  QV_JS_ERRC(kBadObjectMeta);
  QV_JS_ERRC(kDigestMismatch);
  QV_JS_ERRC(kObjectIsBucketLink);
#undef QV_JS_ERRC
  m.attr("JS_ERRC") = errc;
  m.attr("JS_ERROR_CATEGORY") = std::string(js::jetstream_category().name());

  // (domain, stream, consumer, num_delivered, stream_seq, consumer_seq, timestamp ns,
  // num_pending), or None when `reply` is not a JetStream acknowledgement subject.
  m.def(
      "parse_metadata",
      [](std::string_view reply) -> py::object {
        auto md = js::parse_metadata(reply);
        if (!md) return py::none();
        const js::Metadata& d = md.value();
        return py::make_tuple(d.domain, d.stream, d.consumer, d.num_delivered, d.stream_seq,
                              d.consumer_seq, ns_of(d.timestamp), d.num_pending);
      },
      py::arg("reply"));
  m.def("is_valid_key", [](std::string_view key) { return js::is_valid_key(key); });
  m.def("is_valid_bucket_name",
        [](std::string_view bucket) { return js::is_valid_bucket_name(bucket); });
}

}  // namespace quiver::bindings
