#include "codec/parser.h"

#include <algorithm>
#include <cstring>
#include <span>

#include "common/assert.h"

namespace quiver::codec {
namespace {

// How the bytes after an op name are read (nats-server parser.go states, observed on 2.9.10).
enum class ArgMode : uint8_t {
  kArgs,        // a space or tab is required, then blank-separated arguments
  kJson,        // blanks optional ("CONNECT{…}" is accepted), then JSON to the end of the line
  kText,        // -ERR: a blank is required, then free text
  kIgnoreRest,  // PING, PONG, +OK: anything up to the end of the line is ignored
};

struct OpSpec {
  std::string_view name;  // upper case
  OpKind kind;
  ArgMode mode;
};

constexpr OpSpec kClientToServerOps[] = {
    {"PUB", OpKind::kPub, ArgMode::kArgs},         {"HPUB", OpKind::kHpub, ArgMode::kArgs},
    {"SUB", OpKind::kSub, ArgMode::kArgs},         {"UNSUB", OpKind::kUnsub, ArgMode::kArgs},
    {"PING", OpKind::kPing, ArgMode::kIgnoreRest}, {"PONG", OpKind::kPong, ArgMode::kIgnoreRest},
    {"CONNECT", OpKind::kConnect, ArgMode::kJson}, {"INFO", OpKind::kInfo, ArgMode::kJson},
    {"+OK", OpKind::kOk, ArgMode::kIgnoreRest},    {"-ERR", OpKind::kErr, ArgMode::kText},
};

constexpr OpSpec kServerToClientOps[] = {
    {"MSG", OpKind::kMsg, ArgMode::kArgs},         {"HMSG", OpKind::kHmsg, ArgMode::kArgs},
    {"PING", OpKind::kPing, ArgMode::kIgnoreRest}, {"PONG", OpKind::kPong, ArgMode::kIgnoreRest},
    {"INFO", OpKind::kInfo, ArgMode::kJson},       {"+OK", OpKind::kOk, ArgMode::kIgnoreRest},
    {"-ERR", OpKind::kErr, ArgMode::kText},
};

constexpr bool is_blank(char c) noexcept { return c == ' ' || c == '\t'; }
constexpr char to_upper(char c) noexcept { return (c >= 'a' && c <= 'z') ? char(c - 32) : c; }

enum class NameMatch : uint8_t { kMatch, kPrefix, kNone };

// No op name is a prefix of another within one direction, so the first hit decides.
NameMatch match_op_name(Role role, std::string_view line, const OpSpec*& out) noexcept {
  if (line.empty()) return NameMatch::kPrefix;
  std::span<const OpSpec> specs = role == Role::kServer
                                      ? std::span<const OpSpec>(kClientToServerOps)
                                      : std::span<const OpSpec>(kServerToClientOps);
  const char first = to_upper(line[0]);
  for (const OpSpec& spec : specs) {
    if (spec.name[0] != first) continue;
    const std::size_t n = std::min(line.size(), spec.name.size());
    std::size_t i = 1;
    while (i < n && to_upper(line[i]) == spec.name[i]) ++i;
    if (i < n) continue;
    if (line.size() < spec.name.size()) return NameMatch::kPrefix;
    out = &spec;
    return NameMatch::kMatch;
  }
  return NameMatch::kNone;
}

// nats-server's parseSize: 1 to 9 ASCII digits, anything else is -1.
int64_t parse_size(std::string_view s) noexcept {
  if (s.empty() || s.size() > 9) return -1;
  int64_t value = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return -1;
    value = value * 10 + (c - '0');
  }
  return value;
}

constexpr std::size_t kMaxArgs = 5;

// Splits blank-separated arguments; returns the count, or kMaxArgs + 1 when there are more.
std::size_t split_args(std::string_view args, std::string_view (&out)[kMaxArgs]) noexcept {
  std::size_t n = 0;
  std::size_t i = 0;
  const std::size_t size = args.size();
  while (true) {
    while (i < size && is_blank(args[i])) ++i;
    if (i == size) return n;
    const std::size_t start = i;
    while (i < size && !is_blank(args[i])) ++i;
    if (n == kMaxArgs) return kMaxArgs + 1;
    out[n++] = args.substr(start, i - start);
  }
}

std::string_view drop_cr(std::string_view s) noexcept {
  if (!s.empty() && s.back() == '\r') s.remove_suffix(1);
  return s;
}

std::string_view skip_blanks(std::string_view s) noexcept {
  std::size_t i = 0;
  while (i < s.size() && is_blank(s[i])) ++i;
  return s.substr(i);
}

// Bodies larger than this are not kept in the parser between split ops, so that one large
// message does not pin memory on an otherwise idle connection.
constexpr std::size_t kRetainedBodyCapacity = 64 * 1024;

}  // namespace

std::string_view op_name(OpKind kind) noexcept {
  switch (kind) {
    case OpKind::kConnect:
      return "CONNECT";
    case OpKind::kPub:
      return "PUB";
    case OpKind::kHpub:
      return "HPUB";
    case OpKind::kSub:
      return "SUB";
    case OpKind::kUnsub:
      return "UNSUB";
    case OpKind::kInfo:
      return "INFO";
    case OpKind::kMsg:
      return "MSG";
    case OpKind::kHmsg:
      return "HMSG";
    case OpKind::kOk:
      return "+OK";
    case OpKind::kErr:
      return "-ERR";
    case OpKind::kPing:
      return "PING";
    case OpKind::kPong:
      return "PONG";
  }
  return "?";
}

ParseResult Parser::fail(errc e, std::size_t consumed) noexcept {
  error_ = e;
  state_ = State::kFailed;
  return {consumed, ParseStatus::kError};
}

ParseStatus Parser::parse_args(OpKind kind, std::string_view args) noexcept {
  std::string_view a[kMaxArgs];
  const std::size_t n = split_args(args, a);
  op_ = Op{};
  op_.kind = kind;
  int64_t hdr = 0;
  int64_t total = 0;
  auto error = [this](errc e) {
    error_ = e;
    state_ = State::kFailed;
    return ParseStatus::kError;
  };
  switch (kind) {
    case OpKind::kPub:
      if (n == 2) {
        op_.subject = a[0];
        total = parse_size(a[1]);
      } else if (n == 3) {
        op_.subject = a[0];
        op_.reply = a[1];
        total = parse_size(a[2]);
      } else {
        return error(errc::kBadArguments);
      }
      break;
    case OpKind::kHpub:
      if (n == 3) {
        op_.subject = a[0];
        hdr = parse_size(a[1]);
        total = parse_size(a[2]);
      } else if (n == 4) {
        op_.subject = a[0];
        op_.reply = a[1];
        hdr = parse_size(a[2]);
        total = parse_size(a[3]);
      } else {
        return error(errc::kBadArguments);
      }
      break;
    case OpKind::kMsg:
      if (n == 3) {
        op_.subject = a[0];
        op_.sid = a[1];
        total = parse_size(a[2]);
      } else if (n == 4) {
        op_.subject = a[0];
        op_.sid = a[1];
        op_.reply = a[2];
        total = parse_size(a[3]);
      } else {
        return error(errc::kBadArguments);
      }
      break;
    case OpKind::kHmsg:
      if (n == 4) {
        op_.subject = a[0];
        op_.sid = a[1];
        hdr = parse_size(a[2]);
        total = parse_size(a[3]);
      } else if (n == 5) {
        op_.subject = a[0];
        op_.sid = a[1];
        op_.reply = a[2];
        hdr = parse_size(a[3]);
        total = parse_size(a[4]);
      } else {
        return error(errc::kBadArguments);
      }
      break;
    case OpKind::kSub:
      if (n == 2) {
        op_.subject = a[0];
        op_.sid = a[1];
      } else if (n == 3) {
        op_.subject = a[0];
        op_.queue = a[1];
        op_.sid = a[2];
      } else {
        return error(errc::kBadArguments);
      }
      return ParseStatus::kOp;
    case OpKind::kUnsub:
      if (n == 1) {
        op_.sid = a[0];
      } else if (n == 2) {
        op_.sid = a[0];
        // nats-server ignores an unparsable max and unsubscribes at once.
        if (int64_t max = parse_size(a[1]); max >= 0) op_.max_msgs = static_cast<uint64_t>(max);
      } else {
        return error(errc::kBadArguments);
      }
      return ParseStatus::kOp;
    default:
      QV_BUG(false, "parse_args called for an op without arguments");
      return error(errc::kUnknownOp);
  }
  if (hdr < 0 || total < 0) return error(errc::kBadSize);
  if (hdr > total) return error(errc::kHeaderSizeExceedsTotal);
  if (limits_.max_payload >= 0 && total > limits_.max_payload) {
    return error(errc::kPayloadTooLarge);
  }
  header_size_ = static_cast<std::size_t>(hdr);
  body_size_ = static_cast<std::size_t>(total);
  return ParseStatus::kNeedMore;
}

ParseStatus Parser::parse_line(std::string_view line) noexcept {
  const OpSpec* spec = nullptr;
  if (match_op_name(role_, line, spec) != NameMatch::kMatch) {
    error_ = errc::kUnknownOp;
    state_ = State::kFailed;
    return ParseStatus::kError;
  }
  std::string_view rest = line.substr(spec->name.size());
  if (spec->mode == ArgMode::kIgnoreRest) {
    op_ = Op{};
    op_.kind = spec->kind;
    return ParseStatus::kOp;
  }
  if (spec->mode != ArgMode::kJson && (rest.empty() || !is_blank(rest[0]))) {
    error_ = errc::kUnknownOp;
    state_ = State::kFailed;
    return ParseStatus::kError;
  }
  const std::string_view args = skip_blanks(drop_cr(rest));
  if (args.size() > limits_.max_control_line) {
    error_ = errc::kControlLineTooLong;
    state_ = State::kFailed;
    return ParseStatus::kError;
  }
  switch (spec->mode) {
    case ArgMode::kJson:
      op_ = Op{};
      op_.kind = spec->kind;
      op_.json = args;
      return ParseStatus::kOp;
    case ArgMode::kText: {
      op_ = Op{};
      op_.kind = spec->kind;
      std::string_view text = args;
      while (!text.empty() && is_blank(text.back())) text.remove_suffix(1);
      if (text.size() >= 2 && text.front() == '\'' && text.back() == '\'') {
        text = text.substr(1, text.size() - 2);
      }
      op_.text = text;
      return ParseStatus::kOp;
    }
    default:
      return parse_args(spec->kind, args);
  }
}

// Called while a control line is incomplete: fails as early as nats-server does (a bad op name
// byte, a missing separator, or arguments already over the limit) and keeps the buffer bounded.
ParseStatus Parser::check_partial_line() noexcept {
  const OpSpec* spec = nullptr;
  const NameMatch match = match_op_name(role_, line_, spec);
  if (match == NameMatch::kNone) {
    error_ = errc::kUnknownOp;
    state_ = State::kFailed;
    return ParseStatus::kError;
  }
  if (match == NameMatch::kPrefix) return ParseStatus::kNeedMore;
  if (spec->mode == ArgMode::kIgnoreRest) {
    // Nothing after PING/PONG/+OK matters: stop buffering and just look for the line end.
    skip_kind_ = spec->kind;
    state_ = State::kSkipLine;
    line_.clear();
    return ParseStatus::kNeedMore;
  }
  const std::size_t name_len = spec->name.size();
  if (line_.size() > name_len && spec->mode != ArgMode::kJson && !is_blank(line_[name_len])) {
    error_ = errc::kUnknownOp;
    state_ = State::kFailed;
    return ParseStatus::kError;
  }
  // Blanks between the op name and its arguments are not counted by the limit; keep at most one
  // so that a stream of blanks cannot grow the buffer.
  std::size_t args_start = name_len;
  while (args_start < line_.size() && is_blank(line_[args_start])) ++args_start;
  const std::size_t keep = std::min<std::size_t>(args_start - name_len, 1);
  if (args_start - name_len > keep) {
    line_.erase(name_len + keep, args_start - name_len - keep);
    args_start = name_len + keep;
  }
  std::size_t args_len = line_.size() - args_start;
  if (!line_.empty() && line_.back() == '\r' && args_len > 0) --args_len;
  if (args_len > limits_.max_control_line) {
    error_ = errc::kControlLineTooLong;
    state_ = State::kFailed;
    return ParseStatus::kError;
  }
  return ParseStatus::kNeedMore;
}

void Parser::finish_body(std::string_view body) noexcept {
  op_.headers = body.substr(0, header_size_);
  op_.payload = body.substr(header_size_);
}

ParseResult Parser::feed(std::string_view in) noexcept {
  // Views handed out by the previous op may point into line_/body_; they expire now.
  if (release_pending_) {
    release_pending_ = false;
    line_.clear();
    body_filled_ = 0;
    if (body_.capacity() > kRetainedBodyCapacity) std::string().swap(body_);
  }

  switch (state_) {
    case State::kFailed:
      return {0, ParseStatus::kError};

    case State::kSkipLine: {
      const void* nl = std::memchr(in.data(), '\n', in.size());
      if (nl == nullptr) return {in.size(), ParseStatus::kNeedMore};
      const std::size_t consumed = static_cast<const char*>(nl) - in.data() + 1;
      op_ = Op{};
      op_.kind = skip_kind_;
      state_ = State::kLine;
      return {consumed, ParseStatus::kOp};
    }

    case State::kBody: {
      const std::size_t need = body_size_ + 2;
      const std::size_t take = std::min(in.size(), need - body_filled_);
      std::memcpy(body_.data() + body_filled_, in.data(), take);
      body_filled_ += take;
      if (body_filled_ < need) return {take, ParseStatus::kNeedMore};
      if (body_[body_size_] != '\r' || body_[body_size_ + 1] != '\n') {
        return fail(errc::kBadPayloadTerminator, take);
      }
      finish_body(std::string_view(body_.data(), body_size_));
      state_ = State::kLine;
      release_pending_ = true;
      return {take, ParseStatus::kOp};
    }

    case State::kLine:
      break;
  }

  if (in.empty()) return {0, ParseStatus::kNeedMore};

  const bool continuing = !line_.empty();
  const void* nl_ptr = std::memchr(in.data(), '\n', in.size());
  if (nl_ptr == nullptr) {
    line_.append(in);
    if (check_partial_line() == ParseStatus::kError) return {in.size(), ParseStatus::kError};
    return {in.size(), ParseStatus::kNeedMore};
  }
  const std::size_t line_len = static_cast<const char*>(nl_ptr) - in.data();
  std::size_t consumed = line_len + 1;
  std::string_view line;
  if (continuing) {
    line_.append(in.data(), line_len);
    line = line_;
    release_pending_ = true;
  } else {
    line = in.substr(0, line_len);
  }

  const ParseStatus status = parse_line(line);
  if (status != ParseStatus::kNeedMore) return {consumed, status};

  // The op has a body of body_size_ bytes followed by CRLF.
  const std::size_t need = body_size_ + 2;
  const std::string_view rest = in.substr(consumed);
  if (rest.size() >= need) {
    if (rest[body_size_] != '\r' || rest[body_size_ + 1] != '\n') {
      return fail(errc::kBadPayloadTerminator, consumed);
    }
    finish_body(rest.substr(0, body_size_));
    state_ = State::kLine;
    return {consumed + need, ParseStatus::kOp};
  }

  // Split body: the control line's views must outlive this input, so keep a copy of the line.
  if (!continuing) {
    line_.assign(line);
    parse_line(line_);
  }
  release_pending_ = false;
  body_.resize(need);
  std::memcpy(body_.data(), rest.data(), rest.size());
  body_filled_ = rest.size();
  state_ = State::kBody;
  return {in.size(), ParseStatus::kNeedMore};
}

}  // namespace quiver::codec
