// Conversions shared by the extension's source files (module.cc, js_module.cc): str/bytes/
// headers between Python and C++, errors as tuples, and quiver.Msg objects built in place.
// Internal to //bindings/python:_quiver.so; every function needs the GIL.
#pragma once

// structmember.h (T_OBJECT_EX) needs Python.h, which pybind11 includes: keep this order.
// clang-format off
#include <pybind11/pybind11.h>
#include <structmember.h>
// clang-format on

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>

#include "client/message.h"
#include "codec/headers.h"

namespace quiver::bindings {

namespace py = pybind11;

// quiver.msg.Msg, set once at import by set_msg_type(); kept for the life of the process.
// Messages are the hot path: instead of calling the class (and its __init__), a Msg is
// allocated and its __slots__ are filled in place, at the offsets of their member descriptors.
inline constexpr const char* kMsgSlots[] = {"_client", "subject", "reply",
                                            "data",    "headers", "sid"};
inline constexpr int kMsgFields = 6;
inline PyTypeObject* g_msg_type = nullptr;
inline Py_ssize_t g_msg_offsets[kMsgFields];
inline bool g_msg_fast = false;

inline void set_msg_type(py::handle type) {
  if (g_msg_type != nullptr) return;
  if (!PyType_Check(type.ptr())) throw py::type_error("set_msg_type: a class is required");
  auto* t = reinterpret_cast<PyTypeObject*>(type.ptr());
  g_msg_fast = true;
  for (int i = 0; i < kMsgFields; ++i) {
    PyObject* descr = PyDict_GetItemString(t->tp_dict, kMsgSlots[i]);  // borrowed
    if (descr == nullptr || !Py_IS_TYPE(descr, &PyMemberDescr_Type)) {
      g_msg_fast = false;
      break;
    }
    const PyMemberDef* member = reinterpret_cast<PyMemberDescrObject*>(descr)->d_member;
    if (member->type != T_OBJECT_EX || (member->flags & READONLY) != 0) {
      g_msg_fast = false;
      break;
    }
    g_msg_offsets[i] = member->offset;
  }
  Py_INCREF(t);  // for the life of the process
  g_msg_type = t;
}

// Steals nothing; returns a new reference.
inline PyObject* new_msg(PyObject* const (&fields)[kMsgFields]) {
  if (!g_msg_fast) {
    return PyObject_Vectorcall(reinterpret_cast<PyObject*>(g_msg_type), fields, kMsgFields,
                               nullptr);
  }
  PyObject* msg = g_msg_type->tp_alloc(g_msg_type, 0);
  if (msg == nullptr) return nullptr;
  for (int i = 0; i < kMsgFields; ++i) {
    Py_INCREF(fields[i]);
    *reinterpret_cast<PyObject**>(reinterpret_cast<char*>(msg) + g_msg_offsets[i]) = fields[i];
  }
  return msg;
}

// ---- conversions -------------------------------------------------------------------------

inline py::object str_of(std::string_view s) {
  return py::reinterpret_steal<py::object>(
      PyUnicode_DecodeUTF8(s.data(), static_cast<Py_ssize_t>(s.size()), "surrogateescape"));
}

inline std::string_view utf8_of(py::handle obj, const char* what) {
  if (!PyUnicode_Check(obj.ptr())) {
    throw py::type_error(std::string(what) + " must be str, not " + Py_TYPE(obj.ptr())->tp_name);
  }
  Py_ssize_t size = 0;
  const char* data = PyUnicode_AsUTF8AndSize(obj.ptr(), &size);
  if (data == nullptr) throw py::error_already_set();
  return {data, static_cast<std::size_t>(size)};
}

// A payload: bytes, or anything with the buffer protocol (bytearray, memoryview). The view
// stays valid while the object lives (the caller's argument) and the buffer is held.
class Payload {
 public:
  explicit Payload(py::handle obj) {
    if (PyBytes_Check(obj.ptr())) {
      view_ = {PyBytes_AS_STRING(obj.ptr()), static_cast<std::size_t>(PyBytes_GET_SIZE(obj.ptr()))};
      return;
    }
    if (PyUnicode_Check(obj.ptr()) || !PyObject_CheckBuffer(obj.ptr())) {
      throw py::type_error(std::string("payload must be bytes, not ") +
                           Py_TYPE(obj.ptr())->tp_name);
    }
    if (PyObject_GetBuffer(obj.ptr(), &buffer_, PyBUF_SIMPLE) != 0) throw py::error_already_set();
    held_ = true;
    view_ = {static_cast<const char*>(buffer_.buf), static_cast<std::size_t>(buffer_.len)};
  }
  ~Payload() {
    if (held_) PyBuffer_Release(&buffer_);
  }
  Payload(const Payload&) = delete;
  Payload& operator=(const Payload&) = delete;

  std::string_view view() const noexcept { return view_; }

 private:
  Py_buffer buffer_{};
  bool held_ = false;
  std::string_view view_;
};

// dict[str, str | list[str]] -> Headers. Keys and values that would change on the wire are a
// ValueError here rather than an abort in codec::Headers.
inline std::optional<codec::Headers> headers_of(py::handle obj) {
  if (obj.is_none()) return std::nullopt;
  if (!PyDict_Check(obj.ptr())) throw py::type_error("headers must be a dict");
  codec::Headers headers;
  auto add = [&headers](std::string_view key, py::handle value) {
    const std::string_view v = utf8_of(value, "header value");
    if (v.find_first_of("\r\n") != std::string_view::npos) {
      throw py::value_error("header value contains CR or LF: " + std::string(key));
    }
    headers.add(key, v);
  };
  for (auto [k, v] : py::reinterpret_borrow<py::dict>(obj)) {
    const std::string_view key = utf8_of(k, "header name");
    if (!codec::is_valid_header_key(key)) {
      throw py::value_error("invalid header name: '" + std::string(key) + "'");
    }
    if (PyList_Check(v.ptr()) || PyTuple_Check(v.ptr())) {
      for (auto item : v) add(key, item);
    } else {
      add(key, v);
    }
  }
  return headers;
}

inline py::object error_of(const std::error_code& ec) {
  if (!ec) return py::none();
  return py::make_tuple(ec.value(), std::string(ec.category().name()), ec.message());
}

// nats-py's shape: the status line becomes "Status"/"Description"; a repeated key keeps its
// first value (what nats.go's Get returns).
inline py::object headers_dict(const codec::Headers& h) {
  py::dict d;
  if (h.status() != 0) {
    d["Status"] = py::str(std::to_string(h.status()));
    if (!h.description().empty()) d["Description"] = str_of(h.description());
  }
  for (const auto& field : h.fields()) {
    py::object key = str_of(field.key);
    if (!d.contains(key)) d[key] = str_of(field.value);
  }
  return d;
}

// Builds quiver.Msg(client, subject, reply, data, headers, sid). Subjects repeat a lot within
// a batch, so the previous subject's str is reused when the bytes match.
class MsgMaker {
 public:
  MsgMaker(py::handle client, py::object sid) : client_(client), sid_(std::move(sid)) {
    if (g_msg_type == nullptr) throw py::type_error("quiver: message type not registered");
  }

  py::object make(const client::Message& m) {
    if (subject_.ptr() == nullptr || m.subject() != last_subject_) {
      subject_ = str_of(m.subject());
      last_subject_ = std::string(m.subject());
    }
    py::object reply = m.reply().empty() ? empty_ : str_of(m.reply());
    py::object data = py::reinterpret_steal<py::object>(
        PyBytes_FromStringAndSize(m.data().data(), static_cast<Py_ssize_t>(m.data().size())));
    if (!data) throw py::error_already_set();
    py::object headers = py::none();
    if (m.has_headers()) headers = headers_dict(m.headers());
    PyObject* const fields[kMsgFields] = {client_.ptr(), subject_.ptr(), reply.ptr(),
                                          data.ptr(),    headers.ptr(),  sid_.ptr()};
    PyObject* msg = new_msg(fields);
    if (msg == nullptr) throw py::error_already_set();
    return py::reinterpret_steal<py::object>(msg);
  }

 private:
  py::handle client_;
  py::object sid_;
  py::object empty_ = py::str("");
  py::object subject_;
  std::string last_subject_;
};

inline std::chrono::milliseconds ms(double seconds) {
  return std::chrono::milliseconds(static_cast<std::int64_t>(seconds * 1000.0));
}

}  // namespace quiver::bindings
