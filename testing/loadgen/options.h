// Command line of the loadgen binary:  loadgen MODE [--flag value]...  (see usage()).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "testing/loadgen/js_modes.h"
#include "testing/loadgen/modes.h"

namespace quiver::loadgen {

struct Options {
  Mode mode = Mode::kPubSub;
  Target target;
  DeliveryOptions delivery;  // pub pubsub fanout queue subjects
  ReqRepOptions reqrep;
  IdleOptions idle;
  JsOptions js;  // js-pub js-consume-pull js-consume-push
};

// `args` excludes the program name. On failure returns nullopt and sets `error`.
std::optional<Options> parse_options(const std::vector<std::string>& args, std::string& error);

std::string usage();

}  // namespace quiver::loadgen
