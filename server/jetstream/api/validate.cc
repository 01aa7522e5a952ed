#include "server/jetstream/api/validate.h"

#include <charconv>
#include <limits>
#include <map>
#include <set>
#include <string>
#include <utility>

#include "codec/subject.h"
#include "server/jetstream/api/internal/go_text.h"

namespace quiver::server::jetstream::api {
namespace {

using internal::go_quote;

std::vector<std::string_view> tokenize(std::string_view s) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  while (true) {
    const std::size_t dot = s.find('.', start);
    if (dot == std::string_view::npos) {
      out.push_back(s.substr(start));
      return out;
    }
    out.push_back(s.substr(start, dot - start));
    start = dot + 1;
  }
}

bool is_pwc(std::string_view t) { return t == "*"; }
bool is_fwc(std::string_view t) { return t == ">"; }

// sublist.go isSubsetMatchTokenized.
bool is_subset_match_tokenized(const std::vector<std::string_view>& tokens,
                               const std::vector<std::string_view>& test) {
  for (std::size_t i = 0; i < test.size(); ++i) {
    if (i >= tokens.size()) return false;
    const std::string_view t2 = test[i];
    if (t2.empty()) return false;
    if (is_fwc(t2)) return true;
    const std::string_view t1 = tokens[i];
    if (t1.empty() || is_fwc(t1)) return false;
    if (is_pwc(t1)) {
      if (!is_pwc(t2)) return false;
      continue;
    }
    if (t2[0] != '*' && t1 != t2) return false;
  }
  return tokens.size() == test.size();
}

// sublist.go tokensCanMatch: judges by the first byte, as Go does.
bool tokens_can_match(std::string_view t1, std::string_view t2) {
  if (t1.empty() || t2.empty()) return false;
  const char a = t1[0];
  const char b = t2[0];
  if (a == '*' || b == '*' || a == '>' || b == '>') return true;
  return t1 == t2;
}

// server.go subjectIsLiteral: no '*' or '>' token.
bool subject_is_literal(std::string_view s) {
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '*' || s[i] == '>') {
      if ((i == 0 || s[i - 1] == '.') && (i + 1 == s.size() || s[i + 1] == '.')) return false;
    }
  }
  return true;
}

bool subject_has_wildcard(std::string_view s) { return !subject_is_literal(s); }

bool is_valid_publish_subject(std::string_view s) {
  return codec::is_valid_subject(s) && subject_is_literal(s);
}

ApiError invalid_config(std::string_view text) { return stream_invalid_config(text); }

// Go's strconv.Atoi error text for sample_freq ("strconv.Atoi: parsing \"abc\": invalid
// syntax"), or empty when it parses.
std::string atoi_error(std::string_view s, std::int64_t& value) {
  std::string_view digits = s;
  bool negative = false;
  if (!digits.empty() && (digits[0] == '+' || digits[0] == '-')) {
    negative = digits[0] == '-';
    digits.remove_prefix(1);
  }
  bool syntax_ok = !digits.empty();
  for (const char c : digits) syntax_ok = syntax_ok && c >= '0' && c <= '9';
  if (!syntax_ok) return "strconv.Atoi: parsing " + go_quote(s) + ": invalid syntax";
  std::uint64_t v = 0;
  const auto r = std::from_chars(digits.data(), digits.data() + digits.size(), v);
  constexpr auto kMax = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
  if (r.ec != std::errc() || v > kMax + (negative ? 1 : 0)) {
    return "strconv.Atoi: parsing " + go_quote(s) + ": value out of range";
  }
  value = negative ? static_cast<std::int64_t>(0 - v) : static_cast<std::int64_t>(v);
  return {};
}

// transform.go newTransform's validity rules for a republish src -> dest mapping: both valid
// subjects, no '*' in the destination, '>' in both or neither, every placeholder ($N or a
// {{function(N,...)}}) naming an existing source wildcard, and at least as many placeholders as
// source wildcards.
bool valid_transform(std::string_view src, std::string_view dest) {
  if (!codec::is_valid_subject(src) || !codec::is_valid_subject(dest)) return false;
  const auto stokens = tokenize(src);
  const auto dtokens = tokenize(dest);
  int npwcs = 0;
  bool src_fwc = false;
  for (const auto t : stokens) {
    if (is_pwc(t)) ++npwcs;
    if (is_fwc(t)) src_fwc = true;
  }
  bool dest_fwc = false;
  for (const auto t : dtokens) {
    if (is_pwc(t)) return false;
    if (is_fwc(t)) dest_fwc = true;
  }
  if (src_fwc != dest_fwc) return false;
  if (npwcs == 0 && !src_fwc) return true;
  auto index_ok = [&](std::string_view digits) {
    int idx = 0;
    const auto r = std::from_chars(digits.data(), digits.data() + digits.size(), idx);
    return r.ec == std::errc() && r.ptr == digits.data() + digits.size() && idx >= 1 &&
           idx <= npwcs;
  };
  auto trim = [](std::string_view s) {
    while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
    while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
    return s;
  };
  int placeholders = 0;
  for (const auto t : dtokens) {
    if (t.size() > 1 && t[0] == '$') {
      int idx = 0;
      const auto digits = t.substr(1);
      const auto r = std::from_chars(digits.data(), digits.data() + digits.size(), idx);
      if (r.ec == std::errc() && r.ptr == digits.data() + digits.size()) {
        if (!index_ok(digits)) return false;
        ++placeholders;
      }
      continue;
    }
    if (t.size() >= 4 && t.substr(0, 2) == "{{" && t.substr(t.size() - 2) == "}}") {
      const std::string_view inner = trim(t.substr(2, t.size() - 4));
      const std::size_t open = inner.find('(');
      if (open == std::string_view::npos || inner.back() != ')') return false;
      std::string fn(trim(inner.substr(0, open)));
      for (char& c : fn) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
      std::vector<std::string_view> args;
      std::string_view rest = inner.substr(open + 1, inner.size() - open - 2);
      while (true) {
        const std::size_t comma = rest.find(',');
        args.push_back(trim(rest.substr(0, comma)));
        if (comma == std::string_view::npos) break;
        rest.remove_prefix(comma + 1);
      }
      if (fn == "wildcard") {
        if (args.size() != 1 || !index_ok(args[0])) return false;
      } else if (fn == "partition") {
        if (args.size() < 2) return false;
        for (std::size_t i = 1; i < args.size(); ++i) {
          if (!index_ok(args[i])) return false;
        }
      } else if (fn == "splitfromleft" || fn == "splitfromright" || fn == "slicefromleft" ||
                 fn == "slicefromright" || fn == "split") {
        if (args.size() != 2 || !index_ok(args[0])) return false;
      } else {
        return false;
      }
      ++placeholders;
    }
  }
  return placeholders >= npwcs;
}

// stream.go gatherSourceMirrorSubjects / streamSourceSubjects: the subjects of the streams a
// stream sources from, recursively; `has_external` when any hop is external.
void source_subjects(const StreamSource& source, const CheckEnv& env, std::set<std::string>& seen,
                     std::vector<std::string>& subjects, bool& has_external) {
  if (source.external) {
    has_external = true;
    return;
  }
  if (!env.lookup_stream || seen.count(source.name) > 0) return;
  const StreamConfig* cfg = env.lookup_stream(source.name);
  if (cfg == nullptr) return;
  seen.insert(source.name);
  subjects.insert(subjects.end(), cfg->subjects.begin(), cfg->subjects.end());
  if (cfg->mirror) {
    source_subjects(*cfg->mirror, env, seen, subjects, has_external);
  } else {
    for (const StreamSource& s : cfg->sources) {
      source_subjects(s, env, seen, subjects, has_external);
      if (has_external) break;
    }
  }
}

std::string_view deliver_text(DeliverPolicy p) {
  switch (p) {
    case DeliverPolicy::kAll:
      return "all";
    case DeliverPolicy::kLast:
      return "last";
    case DeliverPolicy::kNew:
      return "new";
    case DeliverPolicy::kByStartSequence:
      return "by start sequence";
    case DeliverPolicy::kByStartTime:
      return "by start time";
    case DeliverPolicy::kLastPerSubject:
      return "last per subject";
  }
  return "all";
}

ApiError bad_start(DeliverPolicy p, std::string_view start) {
  return consumer_invalid_policy("consumer delivery policy is deliver " +
                                 std::string(deliver_text(p)) + ", but optional start " +
                                 std::string(start) + " is also set");
}

ApiError not_set(DeliverPolicy p, std::string_view what) {
  return consumer_invalid_policy("consumer delivery policy is deliver " +
                                 std::string(deliver_text(p)) + ", but optional " +
                                 std::string(what) + " is not set");
}

bool contains_path_separator(std::string_view s) {
  return s.find_first_of("\\/") != std::string_view::npos;
}

bool acks(AckPolicy p) { return p == AckPolicy::kExplicit || p == AckPolicy::kAll; }

}  // namespace

bool is_valid_name(std::string_view name) {
  return !name.empty() && name.find_first_of(" \t\r\n\f.*>") == std::string_view::npos;
}

bool subjects_collide(std::string_view a, std::string_view b) {
  if (a == b) return true;
  const auto t1 = tokenize(a);
  const auto t2 = tokenize(b);
  bool pwc1 = false, fwc1 = false, pwc2 = false, fwc2 = false;
  for (const auto t : t1) {
    pwc1 = pwc1 || is_pwc(t);
    fwc1 = fwc1 || is_fwc(t);
  }
  for (const auto t : t2) {
    pwc2 = pwc2 || is_pwc(t);
    fwc2 = fwc2 || is_fwc(t);
  }
  const bool l1 = !(pwc1 || fwc1);
  const bool l2 = !(pwc2 || fwc2);
  if (l1 && l2) return a == b;
  if (l1 && !l2) return is_subset_match_tokenized(t1, t2);
  if (l2 && !l1) return is_subset_match_tokenized(t2, t1);
  if (!fwc1 && !fwc2 && t1.size() != t2.size()) return false;
  if (t1.size() != t2.size()) {
    if ((t1.size() < t2.size() && !fwc1) || (t2.size() < t1.size() && !fwc2)) return false;
  }
  const std::size_t stop = std::min(t1.size(), t2.size());
  for (std::size_t i = 0; i < stop; ++i) {
    if (!tokens_can_match(t1[i], t2[i])) return false;
  }
  return true;
}

bool subject_is_subset_match(std::string_view subject, std::string_view test) {
  return is_subset_match_tokenized(tokenize(subject), tokenize(test));
}

bool valid_filtered_subject(std::string_view filter, const std::vector<std::string>& subjects) {
  if (!codec::is_valid_subject(filter)) return false;
  const bool has_wc = subject_has_wildcard(filter);
  for (const std::string& subject : subjects) {
    if (subject_is_subset_match(filter, subject)) return true;
    if (has_wc && subject_is_subset_match(subject, filter)) return true;
  }
  return false;
}

ApiResult<StreamConfig> check_stream_config(const StreamConfig& config, const CheckEnv& env) {
  if (!is_valid_name(config.name)) {
    return invalid_config("stream name is required and can not contain '.', '*', '>'");
  }
  if (config.name.size() > kMaxNameLen) {
    return invalid_config("stream name is too long, maximum allowed is " +
                          std::to_string(kMaxNameLen));
  }
  if (config.description.size() > kMaxDescriptionLen) {
    return invalid_config("stream description is too long, maximum allowed is " +
                          std::to_string(kMaxDescriptionLen));
  }

  StreamConfig cfg = config;
  if (cfg.num_replicas == 0) cfg.num_replicas = 1;
  if (cfg.num_replicas > kStreamMaxReplicas) {
    return invalid_config("maximum replicas is " + std::to_string(kStreamMaxReplicas));
  }
  if (cfg.num_replicas < 0) return kJSReplicasCountCannotBeNegative.error();
  if (cfg.max_msgs == 0) cfg.max_msgs = -1;
  if (cfg.max_msgs_per_subject == 0) cfg.max_msgs_per_subject = -1;
  if (cfg.max_bytes == 0) cfg.max_bytes = -1;
  if (cfg.max_msg_size == 0) cfg.max_msg_size = -1;
  if (cfg.max_consumers == 0) cfg.max_consumers = -1;
  if (cfg.duplicate_window == 0 && !cfg.mirror) {
    Nanos max_window = kDefaultDuplicateWindow;
    if (env.max_duplicate_window > 0 && max_window > env.max_duplicate_window) {
      max_window = env.max_duplicate_window;
    }
    cfg.duplicate_window =
        (cfg.max_age != 0 && cfg.max_age < max_window) ? cfg.max_age : max_window;
  }
  if (cfg.max_age > 0 && cfg.max_age < 100 * kMillisecond) {
    return invalid_config("max age needs to be >= 100ms");
  }
  if (cfg.duplicate_window < 0) return invalid_config("duplicates window can not be negative");
  if (cfg.max_age != 0 && cfg.duplicate_window > cfg.max_age) {
    return invalid_config("duplicates window can not be larger then max age");
  }
  if (env.max_duplicate_window > 0 && cfg.duplicate_window > env.max_duplicate_window) {
    return invalid_config("duplicates window can not be larger then server limit of " +
                          internal::go_duration_string(env.max_duplicate_window));
  }
  if (cfg.duplicate_window > 0 && cfg.duplicate_window < 100 * kMillisecond) {
    return invalid_config("duplicates window needs to be >= 100ms");
  }
  if (cfg.deny_purge && cfg.allow_rollup_hdrs) {
    return invalid_config("roll-ups require the purge permission");
  }
  if (cfg.discard_new_per_subject) {
    if (cfg.discard != DiscardPolicy::kNew) {
      return invalid_config("discard new per subject requires discard new policy to be set");
    }
    if (cfg.max_msgs_per_subject <= 0) {
      return invalid_config("discard new per subject requires max msgs per subject > 0");
    }
  }

  auto lookup = [&](std::string_view name) -> const StreamConfig* {
    return env.lookup_stream ? env.lookup_stream(name) : nullptr;
  };
  auto filter_overlaps = [](std::string_view filter, const std::vector<std::string>& subs) {
    if (filter.empty() || subs.empty()) return true;
    for (const std::string& sub : subs) {
      if (subjects_collide(sub, filter)) return true;
    }
    return false;
  };

  std::vector<std::string> stream_subs;
  std::vector<std::string> delivery_prefixes;
  std::vector<std::string> api_prefixes;

  if (cfg.mirror) {
    if (!cfg.subjects.empty()) return kJSMirrorWithSubjectsErr.error();
    if (!cfg.sources.empty()) return kJSMirrorWithSourcesErr.error();
    if (const StreamConfig* origin = lookup(cfg.mirror->name)) {
      stream_subs.insert(stream_subs.end(), origin->subjects.begin(), origin->subjects.end());
      if (cfg.max_msg_size > 0 && origin->max_msg_size > 0 &&
          cfg.max_msg_size < origin->max_msg_size) {
        return kJSMirrorMaxMessageSizeTooBigErr.error();
      }
      if (!filter_overlaps(cfg.mirror->filter_subject, origin->subjects)) {
        return invalid_config("mirror '" + cfg.mirror->name + "' filter subject '" +
                              cfg.mirror->filter_subject +
                              "' does not overlap with any origin stream subject");
      }
    }
    if (cfg.mirror->external) {
      if (!cfg.mirror->external->deliver.empty()) {
        delivery_prefixes.push_back(cfg.mirror->external->deliver);
      }
      if (!cfg.mirror->external->api.empty()) api_prefixes.push_back(cfg.mirror->external->api);
    }
    // A mirror inherits direct gets from its origin.
    if (const StreamConfig* origin = lookup(cfg.mirror->name)) {
      cfg.mirror_direct = origin->allow_direct;
    }
  }
  for (const StreamSource& src : cfg.sources) {
    if (const StreamConfig* origin = lookup(src.name)) {
      stream_subs.insert(stream_subs.end(), origin->subjects.begin(), origin->subjects.end());
      if (cfg.max_msg_size > 0 && origin->max_msg_size > 0 &&
          cfg.max_msg_size < origin->max_msg_size) {
        return kJSSourceMaxMessageSizeTooBigErr.error();
      }
      if (!filter_overlaps(src.filter_subject, stream_subs)) {
        return invalid_config("source '" + src.name + "' filter subject '" + src.filter_subject +
                              "' does not overlap with any origin stream subject");
      }
    }
    if (!src.external) continue;
    if (!src.external->deliver.empty()) delivery_prefixes.push_back(src.external->deliver);
    if (!src.external->api.empty()) api_prefixes.push_back(src.external->api);
  }
  for (const std::string& pfx : delivery_prefixes) {
    if (!is_valid_publish_subject(pfx)) {
      return kJSStreamInvalidExternalDeliverySubjErrF.with("{prefix}", pfx);
    }
    for (const std::string& sub : stream_subs) {
      if (subjects_collide(sub, pfx + "." + sub)) {
        return kJSStreamExternalDelPrefixOverlapsErrF.with("{prefix}", pfx, "{subject}", sub);
      }
    }
  }
  for (const std::string& pfx : api_prefixes) {
    if (!is_valid_publish_subject(pfx)) {
      return invalid_config("stream external api prefix " + go_quote(pfx) +
                            " must be a valid subject without wildcards");
    }
    if (subjects_collide(pfx, "$JS.API")) {
      return kJSStreamExternalApiOverlapErrF.with("{prefix}", pfx, "{subject}", "$JS.API");
    }
  }

  // Cycles through sources and mirrors (only where the subjects really form one).
  {
    std::vector<StreamConfig> to_visit{cfg};
    std::set<std::string> visited;
    auto overlaps = [](const std::vector<std::string>& subjects, std::string_view filter) {
      if (filter.empty()) return true;
      for (const std::string& s : subjects) {
        if (subjects_collide(s, filter)) return true;
      }
      return false;
    };
    // Bounded by the number of distinct streams reachable; guard against a lookup that keeps
    // returning fresh configs.
    for (std::size_t steps = 0; !to_visit.empty() && steps < 10000; ++steps) {
      const StreamConfig cur = std::move(to_visit.front());
      to_visit.erase(to_visit.begin());
      visited.insert(cur.name);
      for (const StreamSource& src : cur.sources) {
        if (src.external) continue;
        if (visited.count(src.name) > 0) {
          if (overlaps(cur.subjects, src.filter_subject)) return invalid_config("detected cycle");
        } else if (const StreamConfig* next = lookup(src.name)) {
          to_visit.push_back(*next);
        }
      }
      if (cur.mirror && !cur.mirror->external) {
        if (visited.count(cur.mirror->name) > 0) return invalid_config("detected cycle");
        if (const StreamConfig* next = lookup(cur.mirror->name)) to_visit.push_back(*next);
      }
    }
  }

  if (cfg.subjects.empty()) {
    if (!cfg.mirror && cfg.sources.empty()) cfg.subjects.push_back(cfg.name);
  } else {
    if (cfg.mirror) return kJSMirrorWithSubjectsErr.error();
    std::set<std::string_view> seen;
    for (const std::string& subj : cfg.subjects) {
      if (!seen.insert(subj).second) return invalid_config("duplicate subjects detected");
      if (subject_is_subset_match(subj, "$JS.API.>")) {
        return invalid_config("subjects overlap with jetstream api");
      }
      if (!codec::is_valid_subject(subj)) return invalid_config("invalid subject");
    }
  }
  if (cfg.subjects.empty() && cfg.sources.empty() && !cfg.mirror) {
    return invalid_config("stream needs at least one configured subject or be a source/mirror");
  }

  const std::int64_t max_stream_bytes = cfg.storage == StorageType::kMemory
                                            ? env.memory_max_stream_bytes
                                            : env.storage_max_stream_bytes;
  if (env.max_bytes_required && cfg.max_bytes <= 0) return kJSStreamMaxBytesRequired.error();
  if (max_stream_bytes > 0 && cfg.max_bytes > max_stream_bytes) {
    return kJSStreamMaxStreamBytesExceeded.error();
  }

  if (cfg.subjects.size() > 1) {
    for (const std::string& subj : cfg.subjects) {
      for (const std::string& other : cfg.subjects) {
        if (other != subj && subjects_collide(other, subj)) {
          return invalid_config("subject " + go_quote(subj) + " overlaps with " + go_quote(other));
        }
      }
    }
  }

  if (cfg.republish) {
    if (cfg.republish->src.empty()) cfg.republish->src = ">";
    bool src_valid = false;
    for (const std::string& subj : cfg.subjects) {
      if (subjects_collide(cfg.republish->src, subj)) {
        src_valid = true;
        break;
      }
    }
    if (!src_valid) {
      return invalid_config(
          "stream configuration for republish source is not valid subset of subjects");
    }
    for (const std::string& subj : cfg.subjects) {
      if (subjects_collide(cfg.republish->dest, subj)) {
        return invalid_config("stream configuration for republish destination forms a cycle");
      }
    }
    if (!valid_transform(cfg.republish->src, cfg.republish->dest)) {
      return invalid_config("stream configuration for republish not valid");
    }
  }
  return cfg;
}

ApiResult<StreamConfig> check_stream_create(std::string_view subject_stream,
                                            const StreamConfig& config, const CheckEnv& env) {
  if (subject_stream != config.name) return kJSStreamMismatchErr.error();
  if (contains_path_separator(subject_stream)) {
    return kJSStreamNameContainsPathSeparatorsErr.error();
  }
  if (config.sealed) return invalid_config("stream configuration for create can not be sealed");
  if (config.mirror_direct && !config.mirror) {
    return invalid_config("stream has no mirror but does have mirror direct");
  }
  QV_TRY(auto cfg, check_stream_config(config, env));
  if (!env.clustered && cfg.num_replicas > 1) return kJSStreamReplicasNotSupportedErr.error();
  return cfg;
}

ApiResult<StreamConfig> check_stream_update(const StreamConfig& old, const StreamConfig& requested,
                                            const CheckEnv& env) {
  QV_TRY(auto cfg, check_stream_config(requested, env));
  const std::string_view prefix = "stream configuration update can not ";
  auto update_error = [&](std::string_view what) {
    return invalid_config(std::string(prefix) + std::string(what));
  };
  if (cfg.name != old.name) return invalid_config("stream configuration name must match original");
  if (cfg.max_consumers != old.max_consumers) return update_error("change MaxConsumers");
  if (cfg.storage != old.storage) return update_error("change storage type");
  if (cfg.retention != old.retention) return update_error("change retention policy");
  if (!old.template_owner.empty()) {
    return invalid_config("stream configuration update not allowed on template owned stream");
  }
  if (!cfg.template_owner.empty()) return update_error("be owned by a template");
  if (!cfg.sealed && old.sealed) return update_error("unseal a sealed stream");
  if (!cfg.deny_delete && old.deny_delete) return update_error("cancel deny message deletes");
  if (!cfg.deny_purge && old.deny_purge) return update_error("cancel deny purge");
  if (cfg.mirror != old.mirror) return kJSStreamMirrorNotUpdatableErr.error();
  if (cfg.republish != old.republish) return update_error("change RePublish");
  if (cfg.discard_new_per_subject) {
    if (cfg.discard != DiscardPolicy::kNew) {
      return invalid_config("discard new per subject requires discard new policy to be set");
    }
    if (cfg.max_msgs_per_subject <= 0) {
      return invalid_config("discard new per subject requires max msgs per subject > 0");
    }
  }
  if (cfg.sealed) {
    cfg.max_age = 0;
    cfg.discard = DiscardPolicy::kNew;
    cfg.deny_delete = true;
    cfg.deny_purge = true;
    cfg.allow_rollup_hdrs = false;
  }
  return cfg;
}

ApiResult<ConsumerCreateTarget> parse_consumer_create_subject(std::string_view subject) {
  const auto tokens = tokenize(subject);
  const std::size_t n = tokens.size();
  ConsumerCreateTarget target;
  if (n < 5) return kJSBadRequestErr.error();
  if (n == 5) {
    target.kind = ConsumerCreateKind::kLegacyEphemeral;
    target.stream = std::string(tokens[4]);
    return target;
  }
  if (tokens[3] == "DURABLE") {
    target.kind = ConsumerCreateKind::kLegacyDurable;
    if (n != 7) return kJSConsumerDurableNameNotInSubjectErr.error();
    target.stream = std::string(tokens[5]);
    target.consumer = std::string(tokens[6]);
  } else {
    target.kind = ConsumerCreateKind::kNamed;
    target.stream = std::string(tokens[4]);
    target.consumer = std::string(tokens[5]);
  }
  if (n > 7) {
    // Everything after $JS.API.CONSUMER.CREATE.<stream>.<name> is the filter subject.
    std::size_t pos = 0;
    for (int dots = 0; dots < 6; ++dots) pos = subject.find('.', pos) + 1;
    target.filter_subject = std::string(subject.substr(pos));
  }
  return target;
}

ApiResult<CreateConsumerRequest> check_consumer_create_request(const ConsumerCreateTarget& target,
                                                               CreateConsumerRequest request,
                                                               const CheckEnv& env) {
  ConsumerConfig& cfg = request.config;
  if (target.stream != request.stream_name) return kJSStreamMismatchErr.error();
  if (!target.consumer.empty() && contains_path_separator(target.consumer)) {
    return kJSConsumerNameContainsPathSeparatorsErr.error();
  }
  if (target.kind == ConsumerCreateKind::kLegacyDurable) {
    if (cfg.durable_name.empty()) return kJSConsumerDurableNameNotSetErr.error();
    if (target.consumer != cfg.durable_name) {
      return kJSConsumerDurableNameNotMatchSubjectErr.error();
    }
  }
  if (target.kind == ConsumerCreateKind::kNamed) {
    if (!cfg.durable_name.empty() && target.consumer != cfg.durable_name) {
      return kJSConsumerDurableNameNotMatchSubjectErr.error();
    }
    cfg.name = target.consumer;
  }
  if (target.kind == ConsumerCreateKind::kLegacyEphemeral && !cfg.durable_name.empty()) {
    return kJSConsumerEphemeralWithDurableNameErr.error();
  }
  if (!target.filter_subject.empty() && cfg.filter_subject != target.filter_subject) {
    return kJSConsumerCreateFilterSubjectMismatchErr.error();
  }
  if (!env.clustered && cfg.num_replicas > 1) return kJSStreamReplicasNotSupportedErr.error();
  return request;
}

ApiResult<ConsumerConfig> check_consumer_config(const ConsumerConfig& config,
                                                const StreamConfig& stream, const CheckEnv& env) {
  ConsumerConfig cfg = config;
  const bool pull = cfg.deliver_subject.empty();

  // setConsumerConfigDefaults
  if (pull && cfg.max_waiting == 0) cfg.max_waiting = kDefaultMaxWaiting;
  if (cfg.ack_wait == 0 && acks(cfg.ack_policy)) cfg.ack_wait = kDefaultAckWait;
  if (cfg.max_deliver == 0) cfg.max_deliver = -1;
  if (!cfg.backoff.empty()) cfg.ack_wait = cfg.backoff.front();
  if (acks(cfg.ack_policy) && cfg.max_ack_pending == 0) {
    std::int64_t pending = kDefaultMaxAckPending;
    if (env.server_max_ack_pending > 0 && env.server_max_ack_pending < pending) {
      pending = env.server_max_ack_pending;
    }
    if (env.account_max_ack_pending > 0 && env.account_max_ack_pending < pending) {
      pending = env.account_max_ack_pending;
    }
    cfg.max_ack_pending = pending;
  }
  if (pull && cfg.max_batch == 0 && env.server_max_request_batch > 0) {
    cfg.max_batch = env.server_max_request_batch;
  }

  // checkConsumerCfg
  if (cfg.num_replicas > 0 && cfg.num_replicas > stream.num_replicas) {
    return kJSConsumerReplicasExceedsStream.error();
  }
  if (cfg.num_replicas < 0) return kJSReplicasCountCannotBeNegative.error();
  if (!cfg.backoff.empty() && cfg.max_deliver <= static_cast<std::int64_t>(cfg.backoff.size())) {
    return kJSConsumerMaxDeliverBackoffErr.error();
  }
  if (cfg.description.size() > kMaxDescriptionLen) {
    return consumer_description_too_long(kMaxDescriptionLen);
  }
  if (!pull) {
    if (!subject_is_literal(cfg.deliver_subject)) return kJSConsumerDeliverToWildcardsErr.error();
    if (!codec::is_valid_subject(cfg.deliver_subject)) {
      return kJSConsumerInvalidDeliverSubject.error();
    }
    for (const std::string& subj : stream.subjects) {
      if (subject_is_subset_match(cfg.deliver_subject, subj)) {
        return kJSConsumerDeliverCycleErr.error();
      }
    }
    if (cfg.max_waiting != 0) return kJSConsumerPushMaxWaitingErr.error();
    if (cfg.max_ack_pending > 0 && cfg.ack_policy == AckPolicy::kNone) {
      return kJSConsumerMaxPendingAckPolicyRequiredErr.error();
    }
    if (cfg.idle_heartbeat > 0 && cfg.idle_heartbeat < 100 * kMillisecond) {
      return kJSConsumerSmallHeartbeatErr.error();
    }
  } else {
    if (cfg.ack_policy == AckPolicy::kNone && stream.retention == RetentionPolicy::kWorkQueue) {
      return kJSConsumerPullRequiresAckErr.error();
    }
    if (cfg.rate_limit_bps > 0) return kJSConsumerPullWithRateLimitErr.error();
    if (cfg.max_waiting < 0) return kJSConsumerMaxWaitingNegativeErr.error();
    if (cfg.idle_heartbeat > 0) return kJSConsumerHBRequiresPushErr.error();
    if (cfg.flow_control) return kJSConsumerFCRequiresPushErr.error();
    if (cfg.max_batch < 0) return kJSConsumerMaxRequestBatchNegativeErr.error();
    if (cfg.max_expires != 0 && cfg.max_expires < kMillisecond) {
      return kJSConsumerMaxRequestExpiresTooSmall.error();
    }
    if (env.server_max_request_batch > 0 && cfg.max_batch > env.server_max_request_batch) {
      return consumer_max_request_batch_exceeded(env.server_max_request_batch);
    }
  }
  if (env.server_max_ack_pending > 0 && cfg.max_ack_pending > env.server_max_ack_pending) {
    return consumer_max_pending_ack_excess(env.server_max_ack_pending);
  }
  if (env.account_max_ack_pending > 0 && cfg.max_ack_pending > env.account_max_ack_pending) {
    return consumer_max_pending_ack_excess(env.account_max_ack_pending);
  }
  if (cfg.direct) {
    if (pull) return kJSConsumerDirectRequiresPushErr.error();
    if (!cfg.durable_name.empty()) return kJSConsumerDirectRequiresEphemeralErr.error();
  }
  if (!cfg.filter_subject.empty()) {
    std::vector<std::string> subjects = stream.subjects;
    bool has_external = false;
    std::set<std::string> seen;
    if (stream.mirror) {
      source_subjects(*stream.mirror, env, seen, subjects, has_external);
    } else {
      for (const StreamSource& s : stream.sources) {
        source_subjects(s, env, seen, subjects, has_external);
        if (has_external) break;
      }
    }
    if (!has_external && !valid_filtered_subject(cfg.filter_subject, subjects)) {
      return kJSConsumerFilterNotSubsetErr.error();
    }
  }

  const bool has_seq = cfg.opt_start_seq > 0;
  const bool has_time = cfg.opt_start_time.has_value();
  switch (cfg.deliver_policy) {
    case DeliverPolicy::kAll:
    case DeliverPolicy::kLast:
    case DeliverPolicy::kNew:
    case DeliverPolicy::kLastPerSubject:
      if (has_seq) return bad_start(cfg.deliver_policy, "sequence");
      if (has_time) return bad_start(cfg.deliver_policy, "time");
      if (cfg.deliver_policy == DeliverPolicy::kLastPerSubject && cfg.filter_subject.empty()) {
        return not_set(cfg.deliver_policy, "filter subject");
      }
      break;
    case DeliverPolicy::kByStartSequence:
      if (!has_seq) return not_set(cfg.deliver_policy, "start sequence");
      if (has_time) return bad_start(cfg.deliver_policy, "time");
      break;
    case DeliverPolicy::kByStartTime:
      if (!has_time) return not_set(cfg.deliver_policy, "start time");
      // 2.9.10's text really says "start start sequence".
      if (cfg.opt_start_seq != 0) return bad_start(cfg.deliver_policy, "start sequence");
      break;
  }

  if (!cfg.sample_freq.empty()) {
    std::string_view s = cfg.sample_freq;
    if (!s.empty() && s.back() == '%') s.remove_suffix(1);
    std::int64_t freq = 0;
    const std::string err = atoi_error(s, freq);
    if (!err.empty()) return consumer_invalid_sampling(err);
    // A negative value parses, so Go's error is nil and prints as "<nil>".
    if (freq < 0) return consumer_invalid_sampling("<nil>");
  }
  if (cfg.flow_control && cfg.idle_heartbeat == 0) {
    return kJSConsumerWithFlowControlNeedsHeartbeats.error();
  }
  if (!cfg.durable_name.empty() && !cfg.name.empty() && cfg.name != cfg.durable_name) {
    return kJSConsumerCreateDurableAndNameMismatch.error();
  }
  return cfg;
}

ApiResult<ConsumerConfig> check_new_consumer(const ConsumerConfig& config,
                                             const StreamConfig& stream,
                                             std::span<const ConsumerConfig> existing,
                                             std::int64_t public_consumers,
                                             std::int64_t max_consumers) {
  ConsumerConfig cfg = config;
  if (max_consumers > 0 && public_consumers >= max_consumers) {
    return kJSMaximumConsumersLimitErr.error();
  }
  if (stream.retention == RetentionPolicy::kWorkQueue && !cfg.direct) {
    if (cfg.ack_policy != AckPolicy::kExplicit) return kJSConsumerWQRequiresExplicitAckErr.error();
    if (!existing.empty()) {
      if (cfg.filter_subject.empty()) return kJSConsumerWQMultipleUnfilteredErr.error();
      for (const ConsumerConfig& other : existing) {
        if (other.filter_subject.empty() ||
            subjects_collide(cfg.filter_subject, other.filter_subject)) {
          return kJSConsumerWQConsumerNotUniqueErr.error();
        }
      }
    }
    if (cfg.deliver_policy != DeliverPolicy::kAll) {
      return kJSConsumerWQConsumerNotDeliverAllErr.error();
    }
  }
  const bool durable = !cfg.durable_name.empty();
  const std::string& name = durable ? cfg.durable_name : cfg.name;
  if (durable && name.size() > kMaxNameLen) {
    return consumer_name_too_long(static_cast<std::int64_t>(kMaxNameLen));
  }
  // An empty name is generated by the engine (legacy ephemerals) and is always valid.
  if (!name.empty() && !is_valid_name(name)) return kJSConsumerBadDurableNameErr.error();
  if (!durable && cfg.inactive_threshold <= 0) cfg.inactive_threshold = kDefaultInactiveThreshold;
  return cfg;
}

ApiResult<ConsumerConfig> check_consumer_update(const ConsumerConfig& old,
                                                const ConsumerConfig& requested,
                                                bool deliver_subject_has_interest) {
  ConsumerConfig cfg = requested;
  if (cfg != old) {
    auto cannot = [](std::string_view what) {
      return consumer_create_error(std::string(what) + " can not be updated");
    };
    if (cfg.deliver_policy != old.deliver_policy) return cannot("deliver policy");
    if (cfg.opt_start_seq != old.opt_start_seq) return cannot("start sequence");
    // Go compares the two *time.Time pointers here, which differ whenever either is set.
    if (cfg.opt_start_time || old.opt_start_time) return cannot("start time");
    if (cfg.ack_policy != old.ack_policy) return cannot("ack policy");
    if (cfg.replay_policy != old.replay_policy) return cannot("replay policy");
    if (cfg.idle_heartbeat != old.idle_heartbeat) return cannot("heart beats");
    if (cfg.flow_control != old.flow_control) return cannot("flow control");
    if (cfg.max_waiting != old.max_waiting) return cannot("max waiting");
    if (cfg.deliver_subject != old.deliver_subject) {
      if (old.deliver_subject.empty()) {
        return consumer_create_error("can not update pull consumer to push based");
      }
      if (cfg.deliver_subject.empty()) {
        return consumer_create_error("can not update push consumer to pull based");
      }
      if (deliver_subject_has_interest) return kJSConsumerNameExistErr.error();
    }
    if (!cfg.backoff.empty() && cfg.max_deliver <= static_cast<std::int64_t>(cfg.backoff.size())) {
      return kJSConsumerMaxDeliverBackoffErr.error();
    }
  }
  // updateInactiveThreshold: ephemerals keep a threshold.
  if (cfg.durable_name.empty() && cfg.inactive_threshold <= 0) {
    cfg.inactive_threshold = kDefaultInactiveThreshold;
  }
  return cfg;
}

}  // namespace quiver::server::jetstream::api
