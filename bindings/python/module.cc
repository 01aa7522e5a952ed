// _quiver: the native core of the `quiver` Python package (pybind11 over bindings/python/bridge.h).
//
// Rules this file keeps (client-apis.md §2.5):
// - Every call releases the GIL around the C++ work; it holds it only to read arguments and to
//   build result objects.
// - The I/O thread never touches Python. The only foreign thread that does is the Outbox's
//   notifier, and all it does is loop.call_soon_threadsafe(callback): results reach Python on
//   the loop thread, in quiver/client.py, which resolves its own futures.
// - Python objects are released with the GIL held, and no thread is joined while holding it.

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "bindings/python/bridge.h"
#include "bindings/python/js_module.h"
#include "bindings/python/py_util.h"
#include "client/errors.h"
#include "codec/headers.h"
#include "codec/protocol_json.h"

namespace py = pybind11;

namespace quiver::bindings {
namespace {

// A thread that waits for the GIL once finalization started never gets it back.
bool finalizing() {
#if PY_VERSION_HEX >= 0x030D0000
  return Py_IsFinalizing() != 0;
#else
  return _Py_IsFinalizing() != 0;
#endif
}

// Every live Bridge, so that shutdown_all() (an atexit hook) can stop their threads before the
// interpreter finalizes: a thread that waits for the GIL during finalization is killed.
std::mutex g_bridges_mu;
std::vector<std::weak_ptr<Bridge>> g_bridges;

// What the notifier thread calls. The owner clears both (holding the GIL) before it goes away.
struct WakeTarget {
  PyObject* call_soon_threadsafe = nullptr;  // the loop's bound method
  PyObject* callback = nullptr;
};

void wake(const std::shared_ptr<WakeTarget>& target) {
  if (finalizing()) return;
  const PyGILState_STATE gil = PyGILState_Ensure();
  PyObject* method = target->call_soon_threadsafe;
  PyObject* callback = target->callback;
  if (method != nullptr && callback != nullptr) {
    // Own references: the call may run a garbage collection that destroys the owner.
    Py_INCREF(method);
    Py_INCREF(callback);
    PyObject* result = PyObject_CallOneArg(method, callback);
    if (result == nullptr) {
      PyErr_Clear();  // the loop is closed: nobody waits for these results any more
    } else {
      Py_DECREF(result);
    }
    Py_DECREF(callback);
    Py_DECREF(method);
  }
  PyGILState_Release(gil);
}

client::Options options_of(const py::kwargs& kwargs) {
  client::Options o;
  for (auto [k, v] : kwargs) {
    const std::string key = py::cast<std::string>(k);
    if (key == "servers") {
      o.servers = py::cast<std::vector<std::string>>(v);
    } else if (key == "name") {
      o.name = py::cast<std::string>(v);
    } else if (key == "user") {
      o.user = py::cast<std::string>(v);
    } else if (key == "password") {
      o.password = py::cast<std::string>(v);
    } else if (key == "token") {
      o.token = py::cast<std::string>(v);
    } else if (key == "no_echo") {
      o.no_echo = py::cast<bool>(v);
    } else if (key == "no_randomize") {
      o.no_randomize = py::cast<bool>(v);
    } else if (key == "ignore_discovered_servers") {
      o.ignore_discovered_servers = py::cast<bool>(v);
    } else if (key == "connect_timeout") {
      o.connect_timeout = ms(py::cast<double>(v));
    } else if (key == "allow_reconnect") {
      o.allow_reconnect = py::cast<bool>(v);
    } else if (key == "max_reconnect_attempts") {
      o.max_reconnect_attempts = py::cast<int>(v);
    } else if (key == "reconnect_wait") {
      o.reconnect_wait = ms(py::cast<double>(v));
    } else if (key == "reconnect_wait_max") {
      o.reconnect_wait_max = ms(py::cast<double>(v));
    } else if (key == "reconnect_jitter") {
      o.reconnect_jitter = ms(py::cast<double>(v));
    } else if (key == "reconnect_buffer_size") {
      o.reconnect_buffer_bytes = py::cast<std::size_t>(v);
    } else if (key == "write_buffer_limit") {
      o.write_buffer_limit = py::cast<std::size_t>(v);
    } else if (key == "ping_interval") {
      o.ping_interval = ms(py::cast<double>(v));
    } else if (key == "max_pings_out") {
      o.max_pings_out = py::cast<int>(v);
    } else if (key == "drain_timeout") {
      o.drain_timeout = ms(py::cast<double>(v));
    } else if (key == "inbox_prefix") {
      o.inbox_prefix = py::cast<std::string>(v);
    } else {
      throw py::type_error("connect: unknown option '" + key + "'");
    }
  }
  // The wait is a floor: a max below it would shorten it.
  if (o.reconnect_wait_max < o.reconnect_wait) o.reconnect_wait_max = o.reconnect_wait;
  return o;
}

py::dict server_info_dict(const codec::ServerInfo& info) {
  py::dict d;
  d["server_id"] = info.server_id;
  d["server_name"] = info.server_name;
  d["version"] = info.version;
  d["proto"] = info.proto;
  d["host"] = info.host;
  d["port"] = info.port;
  d["headers"] = info.headers;
  d["auth_required"] = info.auth_required;
  d["tls_required"] = info.tls_required;
  d["max_payload"] = info.max_payload;
  d["jetstream"] = info.jetstream;
  d["client_id"] = info.client_id;
  d["client_ip"] = info.client_ip;
  d["cluster"] = info.cluster;
  d["connect_urls"] = info.connect_urls;
  d["ldm"] = info.ldm;
  return d;
}

// ---- classes -----------------------------------------------------------------------------

class PySubQueue {
 public:
  explicit PySubQueue(std::shared_ptr<SubQueue> queue) : queue_(std::move(queue)) {}

  std::uint64_t id() const { return queue_->id(); }

  // (messages, finished, reason): `finished` once nothing is queued and nothing will come.
  py::tuple take(std::size_t max, py::handle client, py::object sid) {
    SubQueue::Batch batch;
    {
      py::gil_scoped_release release;
      batch = queue_->take(max);
    }
    MsgMaker maker(client, std::move(sid));
    py::list messages(batch.messages.size());
    for (std::size_t i = 0; i < batch.messages.size(); ++i) {
      messages[i] = maker.make(batch.messages[i]);
    }
    return py::make_tuple(std::move(messages), batch.finished, error_of(batch.reason));
  }

  const std::shared_ptr<SubQueue>& queue() const noexcept { return queue_; }

 private:
  std::shared_ptr<SubQueue> queue_;
};

class PyBridge {
 public:
  // call_soon_threadsafe(callback) is how results reach the loop; callback runs there and
  // calls take().
  PyBridge(py::object call_soon_threadsafe, py::object callback)
      : target_(std::make_shared<WakeTarget>()) {
    target_->call_soon_threadsafe = call_soon_threadsafe.release().ptr();
    target_->callback = callback.release().ptr();
    bridge_ = std::make_shared<Bridge>([target = target_] { wake(target); });
    std::lock_guard lock(g_bridges_mu);
    std::erase_if(g_bridges, [](const std::weak_ptr<Bridge>& b) { return b.expired(); });
    g_bridges.push_back(bridge_);
  }

  ~PyBridge() {
    if (finalizing()) {
      // Too late to join anything (a thread waiting for the GIL now never gets it); the
      // atexit hook normally stopped the threads already. The process is ending: leak.
      new std::shared_ptr<Bridge>(std::move(bridge_));
      return;
    }
    {
      py::gil_scoped_release release;
      bridge_->shutdown();
    }
    Py_CLEAR(target_->call_soon_threadsafe);
    Py_CLEAR(target_->callback);
  }

  PyBridge(const PyBridge&) = delete;
  PyBridge& operator=(const PyBridge&) = delete;

  std::uint64_t connect(const py::kwargs& kwargs) {
    client::Options options = options_of(kwargs);
    py::gil_scoped_release release;
    return bridge_->connect(std::move(options));
  }

  int publish(py::handle subject, py::handle data, py::handle reply, py::handle headers) {
    const std::string_view s = utf8_of(subject, "subject");
    const std::string_view r = utf8_of(reply, "reply");
    const Payload payload(data);
    const std::optional<codec::Headers> h = headers_of(headers);
    py::gil_scoped_release release;
    return bridge_->publish(s, payload.view(), r, h ? &*h : nullptr).value();
  }

  std::uint64_t publish_wait(py::handle subject, py::handle data, py::handle reply,
                             py::handle headers) {
    const std::string_view s = utf8_of(subject, "subject");
    const std::string_view r = utf8_of(reply, "reply");
    const Payload payload(data);
    const std::optional<codec::Headers> h = headers_of(headers);
    py::gil_scoped_release release;
    return bridge_->publish_wait(s, payload.view(), r, h ? &*h : nullptr);
  }

  std::uint64_t flush(double timeout) {
    py::gil_scoped_release release;
    return bridge_->flush(ms(timeout));
  }

  py::tuple subscribe(std::string subject, std::string queue, std::uint64_t max_msgs,
                      std::int64_t pending_msgs_limit, std::int64_t pending_bytes_limit) {
    std::pair<std::uint64_t, std::shared_ptr<SubQueue>> started;
    {
      py::gil_scoped_release release;
      started = bridge_->subscribe(std::move(subject), std::move(queue), max_msgs,
                                   SubLimits{pending_msgs_limit, pending_bytes_limit});
    }
    return py::make_tuple(started.first, PySubQueue(std::move(started.second)));
  }

  void unsubscribe(const PySubQueue& queue, std::uint64_t limit) {
    py::gil_scoped_release release;
    if (limit == 0) {
      bridge_->unsubscribe(queue.queue());
    } else {
      bridge_->auto_unsubscribe(queue.queue(), limit);
    }
  }

  std::uint64_t drain_subscription(const PySubQueue& queue) {
    py::gil_scoped_release release;
    return bridge_->drain_subscription(queue.queue());
  }

  std::uint64_t request(py::handle subject, py::handle data, py::handle headers, double timeout) {
    std::string s(utf8_of(subject, "subject"));
    const Payload payload(data);
    std::string d(payload.view());
    std::optional<codec::Headers> h = headers_of(headers);
    py::gil_scoped_release release;
    return bridge_->request(std::move(s), std::move(d), std::move(h), ms(timeout));
  }

  // [(0, op, error, value) | (1, queue id) | (2, event, error, server, servers, text, sid,
  // subject)], in the order they happened. `error` is (code, category, message), plus (status,
  // err_code, description) when a JetStream API refused the operation.
  py::list take(py::handle client) {
    std::vector<Item> items;
    {
      py::gil_scoped_release release;
      items = bridge_->outbox().take();
    }
    py::list out(items.size());
    JsConvert convert{client, bridge_, std::nullopt};
    for (std::size_t i = 0; i < items.size(); ++i) {
      if (auto* done = std::get_if<OpDone>(&items[i])) {
        py::object value = py::none();
        if (done->value.has_value()) {
          value = js_value(done->value, convert);
        } else if (done->message) {
          if (!convert.maker) convert.maker.emplace(client, py::none());
          value = convert.maker->make(*done->message);
        } else if (done->sid != 0) {
          value = py::int_(done->sid);
        }
        py::object error = error_of(done->error);
        if (done->error && (done->api_status != 0 || !done->description.empty())) {
          error = py::make_tuple(done->error.value(), std::string(done->error.category().name()),
                                 done->error.message(), done->api_status, done->api_err_code,
                                 str_of(done->description));
        }
        out[i] = py::make_tuple(0, done->op, std::move(error), std::move(value));
      } else if (auto* ready = std::get_if<SubReady>(&items[i])) {
        out[i] = py::make_tuple(1, ready->queue);
      } else {
        const client::Event& e = std::get<EventItem>(items[i]).event;
        out[i] = py::make_tuple(2, static_cast<int>(e.type), error_of(e.error), e.server, e.servers,
                                str_of(e.text), e.sid, e.subject);
      }
    }
    return out;
  }

  std::shared_ptr<Bridge> bridge() const { return bridge_; }

 private:
  std::shared_ptr<WakeTarget> target_;
  std::shared_ptr<Bridge> bridge_;
};

void shutdown_all() {
  std::vector<std::shared_ptr<Bridge>> live;
  {
    std::lock_guard lock(g_bridges_mu);
    for (auto& weak : g_bridges) {
      if (auto b = weak.lock()) live.push_back(std::move(b));
    }
  }
  for (auto& b : live) b->shutdown();
}

}  // namespace
}  // namespace quiver::bindings

PYBIND11_MODULE(_quiver, m) {
  using quiver::bindings::PyBridge;
  using quiver::bindings::PySubQueue;
  namespace client = quiver::client;
  using Release = py::call_guard<py::gil_scoped_release>;

  m.doc() = "Native core of the quiver package. Use `quiver`, not this module.";

  m.def("set_msg_type", &quiver::bindings::set_msg_type, py::arg("type"));
  m.def("msg_fast_path", [] { return quiver::bindings::g_msg_fast; });
  m.def("shutdown_all", &quiver::bindings::shutdown_all, Release(),
        "Stops every connection's threads (an atexit hook).");
  m.def("error_message",
        [](int code) { return std::error_code(code, client::client_category()).message(); });

  py::dict errc;
#define QV_ERRC(name) errc[#name] = static_cast<int>(client::errc::name)
  QV_ERRC(kTimeout);
  QV_ERRC(kNoResponders);
  QV_ERRC(kConnectionClosed);
  QV_ERRC(kNotConnected);
  QV_ERRC(kDisconnected);
  QV_ERRC(kReconnectBufferExceeded);
  QV_ERRC(kWriteBufferFull);
  QV_ERRC(kDraining);
  QV_ERRC(kSlowConsumer);
  QV_ERRC(kMaxPayload);
  QV_ERRC(kHeadersNotSupported);
  QV_ERRC(kBadSubject);
  QV_ERRC(kBadQueue);
  QV_ERRC(kBadUrl);
  QV_ERRC(kNoServers);
  QV_ERRC(kAuthorization);
  QV_ERRC(kPermissionsViolation);
  QV_ERRC(kStaleConnection);
  QV_ERRC(kProtocol);
  QV_ERRC(kServerError);
  QV_ERRC(kTlsNotSupported);
  QV_ERRC(kSubscriptionClosed);
  QV_ERRC(kBusy);
  QV_ERRC(kInvalidState);
  QV_ERRC(kCallbackFailed);
#undef QV_ERRC
  m.attr("ERRC") = errc;
  m.attr("ERROR_CATEGORY") = std::string(client::client_category().name());

  py::dict events;
  events["disconnected"] = static_cast<int>(client::EventType::kDisconnected);
  events["reconnected"] = static_cast<int>(client::EventType::kReconnected);
  events["closed"] = static_cast<int>(client::EventType::kClosed);
  events["error"] = static_cast<int>(client::EventType::kError);
  events["lame_duck"] = static_cast<int>(client::EventType::kLameDuck);
  events["servers_discovered"] = static_cast<int>(client::EventType::kServersDiscovered);
  events["slow_consumer"] = static_cast<int>(client::EventType::kSlowConsumer);
  m.attr("EVENTS") = events;

  py::dict status;
  status["not_connected"] = static_cast<int>(client::Status::kNotConnected);
  status["connecting"] = static_cast<int>(client::Status::kConnecting);
  status["connected"] = static_cast<int>(client::Status::kConnected);
  status["reconnecting"] = static_cast<int>(client::Status::kReconnecting);
  status["draining"] = static_cast<int>(client::Status::kDraining);
  status["closed"] = static_cast<int>(client::Status::kClosed);
  m.attr("STATUS") = status;

  quiver::bindings::register_jetstream(m);

  py::class_<PySubQueue>(m, "SubQueue")
      .def_property_readonly("id", &PySubQueue::id)
      .def("take", &PySubQueue::take, py::arg("max"), py::arg("client"), py::arg("sid"))
      .def("stats",
           [](const PySubQueue& q) {
             client::SubscriptionStats s;
             {
               py::gil_scoped_release release;
               s = q.queue()->stats();
             }
             return py::make_tuple(s.pending_msgs, s.pending_bytes, s.delivered, s.dropped);
           })
      .def(
          "set_limits",
          [](const PySubQueue& q, std::int64_t msgs, std::int64_t bytes) {
            q.queue()->set_limits({msgs, bytes});
          },
          Release(), py::arg("msgs"), py::arg("bytes"));

  py::class_<PyBridge>(m, "Bridge")
      .def(py::init<py::object, py::object>(), py::arg("call_soon_threadsafe"), py::arg("callback"))
      .def("connect", &PyBridge::connect)
      .def("publish", &PyBridge::publish, py::arg("subject"), py::arg("data"), py::arg("reply"),
           py::arg("headers"))
      .def("publish_wait", &PyBridge::publish_wait, py::arg("subject"), py::arg("data"),
           py::arg("reply"), py::arg("headers"))
      .def("flush", &PyBridge::flush, py::arg("timeout"))
      .def("subscribe", &PyBridge::subscribe, py::arg("subject"), py::arg("queue"),
           py::arg("max_msgs"), py::arg("pending_msgs_limit"), py::arg("pending_bytes_limit"))
      .def("unsubscribe", &PyBridge::unsubscribe, py::arg("queue"), py::arg("limit"))
      .def("drain_subscription", &PyBridge::drain_subscription, py::arg("queue"))
      .def("request", &PyBridge::request, py::arg("subject"), py::arg("data"), py::arg("headers"),
           py::arg("timeout"))
      .def(
          "cancel", [](PyBridge& b, std::uint64_t op) { b.bridge()->cancel(op); }, Release(),
          py::arg("op"))
      .def(
          "drain", [](PyBridge& b) { return b.bridge()->drain(); }, Release())
      .def(
          "close", [](PyBridge& b) { return b.bridge()->close(); }, Release())
      .def(
          "shutdown", [](PyBridge& b) { b.bridge()->shutdown(); }, Release())
      .def("take", &PyBridge::take, py::arg("client"))
      .def(
          "status", [](PyBridge& b) { return static_cast<int>(b.bridge()->connection().status()); },
          Release())
      .def("stats",
           [](PyBridge& b) {
             client::Statistics s;
             {
               py::gil_scoped_release release;
               s = b.bridge()->connection().stats();
             }
             py::dict d;
             d["in_msgs"] = s.in_msgs;
             d["in_bytes"] = s.in_bytes;
             d["out_msgs"] = s.out_msgs;
             d["out_bytes"] = s.out_bytes;
             d["reconnects"] = s.reconnects;
             return d;
           })
      .def("server_info",
           [](PyBridge& b) -> py::object {
             std::optional<quiver::codec::ServerInfo> info;
             {
               py::gil_scoped_release release;
               info = b.bridge()->connection().server_info();
             }
             if (!info) return py::none();
             return quiver::bindings::server_info_dict(*info);
           })
      .def(
          "connected_url", [](PyBridge& b) { return b.bridge()->connection().connected_url(); },
          Release())
      .def(
          "servers", [](PyBridge& b) { return b.bridge()->connection().servers(); }, Release())
      .def(
          "max_payload", [](PyBridge& b) { return b.bridge()->connection().max_payload(); },
          Release())
      .def(
          "new_inbox", [](PyBridge& b) { return b.bridge()->connection().new_inbox(); }, Release())
      .def("jetstream", [](PyBridge& b, const py::kwargs& options) {
        return quiver::bindings::make_jetstream(b.bridge(), options);
      });
}
