#include "testing/loadgen/options.h"

#include <charconv>
#include <cstdlib>
#include <limits>
#include <string_view>

namespace quiver::loadgen {
namespace {

bool parse_u64(std::string_view s, uint64_t& out) {
  // Accept 5000000, 5M, 64K, 1G (powers of 1000 for counts, powers of 1024 with 'Ki'/'Mi').
  uint64_t mult = 1;
  const auto ends_with = [&](std::string_view suffix) {
    if (s.size() > suffix.size() && s.substr(s.size() - suffix.size()) == suffix) {
      s.remove_suffix(suffix.size());
      return true;
    }
    return false;
  };
  if (ends_with("Ki")) {
    mult = 1024;
  } else if (ends_with("Mi")) {
    mult = 1024 * 1024;
  } else if (ends_with("k") || ends_with("K")) {
    mult = 1000;
  } else if (ends_with("M")) {
    mult = 1'000'000;
  } else if (ends_with("G")) {
    mult = 1'000'000'000;
  }
  uint64_t v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || s.empty()) return false;
  if (v > std::numeric_limits<uint64_t>::max() / mult) return false;
  out = v * mult;
  return true;
}

// A stream name: one subject token without wildcards (the API puts it into subjects).
bool valid_token(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c == '.' || c == '*' || c == '>' || c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      return false;
    }
  }
  return true;
}

// A literal subject: non-empty dot-separated tokens.
bool valid_subject(std::string_view s) {
  std::size_t start = 0;
  while (true) {
    const std::size_t dot = s.find('.', start);
    if (!valid_token(s.substr(start, dot == std::string_view::npos ? s.npos : dot - start))) {
      return false;
    }
    if (dot == std::string_view::npos) return true;
    start = dot + 1;
  }
}

bool parse_double(const std::string& s, double& out) {
  char* end = nullptr;
  out = std::strtod(s.c_str(), &end);
  return !s.empty() && end == s.c_str() + s.size() && out >= 0;
}

}  // namespace

std::string usage() {
  return R"(usage: loadgen MODE [flags]
modes:
  pub       N msgs of S bytes from P publishers, no subscribers
  pubsub    1 publisher -> 1 subscriber
  fanout    1 publisher -> K subscribers of the same subject
  queue     1 publisher -> a queue group of K members (each message exactly once)
  subjects  1 publisher to D distinct subjects "s.<i>.x" -> W wildcard subscribers
            (alternately "s.*.x" and "s.>")
  reqrep    sequential request/reply, 1 responder, 1 requester; latency percentiles
  idle      open C connections (CONNECT, SUB, PING/PONG), print, wait for stdin EOF
  js-pub           create (or reuse) file stream --stream bound to --subject and publish N
                   msgs with acks, at most --window un-acked; ack latency percentiles
  js-consume-pull  js-pub fill (unless --no-fill), then drain N msgs through a durable pull
                   consumer (MSG.NEXT batches of --batch, 2 outstanding), +ACK each
  js-consume-push  the same through a durable push consumer (explicit acks)
                   JS modes delete their consumer, and their stream unless --keep
flags:
  --host H            broker host (127.0.0.1)
  --port P            broker port (4222)
  --msgs N            messages to publish (1M); suffixes k M G
  --size S            payload bytes (16); suffixes Ki Mi
  --pubs P            publishers, pub mode only (1)
  --subs K            subscribers: fanout/queue 4, subjects 2, pubsub 1
  --subjects D        distinct subjects, subjects mode (1M)
  --batch-bytes B     bytes of PUBs per write (64Ki)
  --window-bytes W    max MSG bytes in flight to the slowest subscriber; 0 = no flow
                      control (16Mi)
  --quiet-ms Q        end-of-run quiet timeout for subscribers (5000)
  --seconds T         reqrep duration when --requests is 0 (10)
  --requests N        reqrep: stop after N measured requests (0)
  --warmup N          reqrep: unmeasured requests first (1000)
  --conns C           idle connections (10000)
  --no-hold           idle: close at once instead of waiting for stdin EOF
  --stream NAME       JS stream (LOADGEN)
  --subject S         JS stream subject (lg.js)
  --window W          JS publish: max un-acked messages (256)
  --batch B           JS pull: messages per MSG.NEXT request (256)
  --max-ack-pending M JS consumers' max_ack_pending (20000)
  --no-fill           JS consume: use the messages already in the stream
  --keep              JS: do not delete the stream at the end
JS modes default to --msgs 100k; --quiet-ms is their longest wait for an ack or message
(10000 for JS).
Prints one JSON line with the results.
)";
}

std::optional<Options> parse_options(const std::vector<std::string>& args, std::string& error) {
  if (args.empty()) {
    error = "missing MODE";
    return std::nullopt;
  }
  Options o;
  const auto mode = parse_mode(args[0]);
  if (!mode) {
    error = "unknown mode '" + args[0] + "'";
    return std::nullopt;
  }
  o.mode = *mode;
  o.delivery.mode = *mode;
  o.js.mode = *mode;
  std::optional<uint64_t> subs;
  for (std::size_t i = 1; i < args.size(); ++i) {
    const std::string& flag = args[i];
    if (flag == "--no-hold") {
      o.idle.hold = false;
      continue;
    }
    if (flag == "--no-fill") {
      o.js.fill = false;
      continue;
    }
    if (flag == "--keep") {
      o.js.keep = true;
      continue;
    }
    if (i + 1 >= args.size()) {
      error = "flag " + flag + " needs a value";
      return std::nullopt;
    }
    const std::string& value = args[++i];
    uint64_t u = 0;
    double d = 0;
    const auto need_u64 = [&](uint64_t max) {
      if (!parse_u64(value, u) || u > max) {
        error = "bad value '" + value + "' for " + flag;
        return false;
      }
      return true;
    };
    constexpr uint64_t kNoMax = std::numeric_limits<uint64_t>::max();
    constexpr uint64_t kIntMax = std::numeric_limits<int>::max();
    if (flag == "--host") {
      o.target.host = value;
    } else if (flag == "--port") {
      if (!need_u64(65535) || u == 0) {
        error = "bad value '" + value + "' for --port";
        return std::nullopt;
      }
      o.target.port = static_cast<uint16_t>(u);
    } else if (flag == "--msgs") {
      if (!need_u64(kNoMax)) return std::nullopt;
      o.delivery.msgs = u;
      o.js.msgs = u;
    } else if (flag == "--size") {
      if (!need_u64(64 * 1024 * 1024)) return std::nullopt;
      o.delivery.size = u;
      o.reqrep.size = u;
      o.js.size = u;
    } else if (flag == "--pubs") {
      if (!need_u64(1024) || u == 0) {
        error = "bad value '" + value + "' for --pubs";
        return std::nullopt;
      }
      o.delivery.publishers = static_cast<int>(u);
    } else if (flag == "--subs") {
      if (!need_u64(9999)) return std::nullopt;
      subs = u;
    } else if (flag == "--subjects") {
      if (!need_u64(kNoMax) || u == 0) {
        error = "bad value '" + value + "' for --subjects";
        return std::nullopt;
      }
      o.delivery.distinct_subjects = u;
    } else if (flag == "--batch-bytes") {
      if (!need_u64(64 * 1024 * 1024) || u == 0) {
        error = "bad value '" + value + "' for --batch-bytes";
        return std::nullopt;
      }
      o.delivery.batch_bytes = u;
      o.js.batch_bytes = u;
    } else if (flag == "--window-bytes") {
      if (!need_u64(kNoMax)) return std::nullopt;
      o.delivery.window_bytes = u;
    } else if (flag == "--quiet-ms") {
      if (!need_u64(kIntMax)) return std::nullopt;
      o.delivery.quiet_ms = static_cast<int>(u);
      o.reqrep.timeout_ms = static_cast<int>(u);
      o.js.timeout_ms = static_cast<int>(u);
    } else if (flag == "--seconds") {
      if (!parse_double(value, d)) {
        error = "bad value '" + value + "' for --seconds";
        return std::nullopt;
      }
      o.reqrep.seconds = d;
    } else if (flag == "--requests") {
      if (!need_u64(kNoMax)) return std::nullopt;
      o.reqrep.requests = u;
    } else if (flag == "--warmup") {
      if (!need_u64(kNoMax)) return std::nullopt;
      o.reqrep.warmup = u;
    } else if (flag == "--stream") {
      if (!valid_token(value)) {
        error = "bad value '" + value + "' for --stream";
        return std::nullopt;
      }
      o.js.stream = value;
    } else if (flag == "--subject") {
      if (!valid_subject(value)) {
        error = "bad value '" + value + "' for --subject";
        return std::nullopt;
      }
      o.js.subject = value;
    } else if (flag == "--window") {
      if (!need_u64(kIntMax) || u == 0) {
        error = "bad value '" + value + "' for --window";
        return std::nullopt;
      }
      o.js.window = u;
    } else if (flag == "--batch") {
      if (!need_u64(kIntMax) || u == 0) {
        error = "bad value '" + value + "' for --batch";
        return std::nullopt;
      }
      o.js.batch = u;
    } else if (flag == "--max-ack-pending") {
      if (!need_u64(kIntMax) || u == 0) {
        error = "bad value '" + value + "' for --max-ack-pending";
        return std::nullopt;
      }
      o.js.max_ack_pending = static_cast<int64_t>(u);
    } else if (flag == "--conns") {
      if (!need_u64(kIntMax)) return std::nullopt;
      o.idle.conns = static_cast<int>(u);
    } else {
      error = "unknown flag " + flag;
      return std::nullopt;
    }
  }
  switch (o.mode) {
    case Mode::kPub:
      o.delivery.subscribers = 0;
      break;
    case Mode::kPubSub:
      o.delivery.subscribers = 1;
      break;
    case Mode::kFanout:
    case Mode::kQueue:
      o.delivery.subscribers = subs ? static_cast<int>(*subs) : 4;
      break;
    case Mode::kSubjects:
      o.delivery.subscribers = subs ? static_cast<int>(*subs) : 2;
      break;
    case Mode::kReqRep:
    case Mode::kIdle:
    case Mode::kJsPub:
    case Mode::kJsConsumePull:
    case Mode::kJsConsumePush:
      break;
  }
  if (o.mode != Mode::kPub && o.delivery.publishers != 1) {
    error = "--pubs applies to pub mode only";
    return std::nullopt;
  }
  const bool js_mode =
      o.mode == Mode::kJsPub || o.mode == Mode::kJsConsumePull || o.mode == Mode::kJsConsumePush;
  if ((o.mode == Mode::kPubSub || o.mode == Mode::kPub || js_mode) && subs) {
    error = "--subs does not apply to " + args[0];
    return std::nullopt;
  }
  return o;
}

}  // namespace quiver::loadgen
