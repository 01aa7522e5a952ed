// The JetStream part of the _quiver extension (js_module.cc): classes over the handles of
// client/jetstream (context, consumers, KV buckets and watchers, object stores) whose methods
// start operations through js_ops.h and return their ids, and the conversion of those
// operations' results for PyBridge::take(). Internal to //bindings/python:_quiver.so.
#pragma once

#include <any>
#include <memory>
#include <optional>

#include <pybind11/pybind11.h>

#include "bindings/python/bridge.h"
#include "bindings/python/py_util.h"

namespace quiver::bindings {

// What converting one take() batch needs.
struct JsConvert {
  py::handle client;
  std::shared_ptr<Bridge> bridge;
  std::optional<MsgMaker> maker;  // made on first use
};

// The Python value of an OpDone::value; needs the GIL.
py::object js_value(std::any& value, JsConvert& convert);

// A JetStream context on `bridge`'s connection; options: api_prefix, domain, timeout (s),
// max_pending, stall_wait (s).
py::object make_jetstream(std::shared_ptr<Bridge> bridge, const py::kwargs& options);

void register_jetstream(py::module_& m);

}  // namespace quiver::bindings
