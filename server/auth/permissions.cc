// Permissions as nats-server 2.9 applies them (client.go setPermissions, canSubscribe,
// pubAllowedFullCheck, checkDenySub). nats-server keeps each list in a Sublist and asks
// Match(subject): a subject's wildcard tokens are then compared literally against the patterns'
// tokens, so allow "foo.*" covers a SUB to "foo.>" and deny "foo.*" refuses one. The matcher
// below reproduces that with codec::subject_matches.
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

#include "codec/subject.h"
#include "server/auth/authenticator.h"
#include "server/auth/subject_cache.h"

namespace quiver::server {

namespace {

// Sublist.Match finds nothing for a subject with an empty token ("foo..bar", ".foo", "foo.").
bool has_empty_token(std::string_view s) noexcept {
  return s.empty() || s.front() == '.' || s.back() == '.' || s.find("..") != std::string_view::npos;
}

// A '*' or '>' token (Go's subjectHasWildcard), whatever else the string holds.
bool has_wildcard_token(std::string_view s) noexcept {
  for (codec::TokenIterator it(s); !it.done(); it.next()) {
    if (it.token() == "*" || it.token() == ">") return true;
  }
  return false;
}

bool pattern_matches(std::string_view pattern, std::string_view subject) noexcept {
  return !has_empty_token(subject) && codec::subject_matches(pattern, subject);
}

std::vector<std::string_view> split_tokens(std::string_view s) {
  std::vector<std::string_view> tokens;
  std::size_t start = 0;
  for (;;) {
    const std::size_t dot = s.find('.', start);
    if (dot == std::string_view::npos) {
      tokens.push_back(s.substr(start));
      return tokens;
    }
    tokens.push_back(s.substr(start, dot - start));
    start = dot + 1;
  }
}

// Go's subjectIsSubsetMatch(subject, test): is every subject `subject` can name also named by
// `test`? ("foo.bar" and "foo.*" are subsets of "foo.*"; "*.bar" is not.) Kept token for token,
// including its quirk of treating any test token that starts with '*' as a wildcard.
bool is_subset_match(std::string_view subject, std::string_view test) {
  const std::vector<std::string_view> tokens = split_tokens(subject);
  const std::vector<std::string_view> tests = split_tokens(test);
  for (std::size_t i = 0; i < tests.size(); ++i) {
    if (i >= tokens.size()) return false;
    const std::string_view t2 = tests[i];
    if (t2.empty()) return false;
    if (t2 == ">") return true;
    const std::string_view t1 = tokens[i];
    if (t1.empty() || t1 == ">") return false;
    if (t1 == "*") {
      if (t2 != "*") return false;
      continue;
    }
    if (t2[0] != '*' && t1 != t2) return false;
  }
  return tokens.size() == tests.size();
}

// Go's queueMatches for one permission queue name: equal, or covered when it has wildcards.
bool queue_matches(std::string_view queue, std::string_view permitted) {
  return queue == permitted || (has_wildcard_token(permitted) && is_subset_match(queue, permitted));
}

bool is_space(char c) noexcept {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

// strings.Fields: the whitespace-separated parts of a permission entry.
std::vector<std::string_view> fields(std::string_view s) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && is_space(s[i])) ++i;
    const std::size_t start = i;
    while (i < s.size() && !is_space(s[i])) ++i;
    if (i > start) out.push_back(s.substr(start, i - start));
  }
  return out;
}

struct TransparentHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const noexcept {
    return std::hash<std::string_view>{}(s);
  }
};

// The non-queue entries of one allow or deny list. Literal patterns are a hash lookup; only
// wildcard patterns are scanned.
class SubjectPatterns {
 public:
  void add(std::string pattern) {
    if (has_wildcard_token(pattern)) {
      wildcards_.push_back(std::move(pattern));
    } else {
      literals_.insert(std::move(pattern));
    }
  }

  bool empty() const noexcept { return literals_.empty() && wildcards_.empty(); }

  bool matches(std::string_view subject) const {
    if (has_empty_token(subject)) return false;
    if (literals_.find(subject) != literals_.end()) return true;
    for (const std::string& pattern : wildcards_) {
      if (codec::subject_matches(pattern, subject)) return true;
    }
    return false;
  }

 private:
  std::unordered_set<std::string, TransparentHash, std::equal_to<>> literals_;
  std::vector<std::string> wildcards_;
};

struct QueueEntry {
  std::string subject;
  std::string queue;
};

// One subscribe allow or deny list: "subject" entries and "subject queue" entries.
struct SubscribeList {
  bool present = false;  // nats-server builds the list only when it has entries
  SubjectPatterns plain;
  std::vector<QueueEntry> queues;

  // For a queue SUB: whether some "subject queue" entry matches the subject at all, and if so
  // whether one names this queue. nats-server lets those entries decide alone.
  std::optional<bool> queue_verdict(std::string_view subject, std::string_view queue) const {
    bool any = false;
    for (const QueueEntry& entry : queues) {
      if (!pattern_matches(entry.subject, subject)) continue;
      any = true;
      if (queue_matches(queue, entry.queue)) return true;
    }
    if (any) return false;
    return std::nullopt;
  }
};

class PermissionsImpl final : public Permissions {
 public:
  bool can_publish(std::string_view subject) const override {
    if (!pub_allow_ && pub_deny_.empty()) return true;
    return pub_cache_.get(subject, [this](std::string_view s) { return compute_publish(s); });
  }

  bool can_subscribe(std::string_view subject, std::string_view queue) const override {
    bool allowed = true;
    if (sub_allow_.present) {
      allowed = sub_allow_.plain.matches(subject);
      if (!queue.empty()) {
        if (std::optional<bool> verdict = sub_allow_.queue_verdict(subject, queue)) {
          allowed = *verdict;
        }
      }
    }
    if (allowed && sub_deny_.present) {
      allowed = !sub_deny_.plain.matches(subject);
      if (!queue.empty()) {
        if (std::optional<bool> verdict = sub_deny_.queue_verdict(subject, queue)) {
          allowed = !*verdict;
        }
      }
    }
    return allowed;
  }

  bool needs_delivery_filter(std::string_view subject) const override {
    if (!sub_deny_.present || !has_wildcard_token(subject)) return false;
    for (const std::string& deny : sub_deny_raw_) {
      if (is_subset_match(deny, subject)) return true;
    }
    return false;
  }

  bool can_receive(std::string_view subject) const override {
    if (sub_deny_.plain.empty()) return true;
    return receive_cache_.get(subject,
                              [this](std::string_view s) { return !sub_deny_.plain.matches(s); });
  }

  std::optional<ResponseAllowance> responses() const override { return responses_; }

  std::optional<ResponseAllowance> responses_;
  std::optional<SubjectPatterns> pub_allow_;  // engaged even when empty: then nothing is allowed
  SubjectPatterns pub_deny_;
  SubscribeList sub_allow_;
  SubscribeList sub_deny_;
  std::vector<std::string> sub_deny_raw_;  // what nats-server scans for needs_delivery_filter

 private:
  bool compute_publish(std::string_view subject) const {
    bool allowed = !pub_allow_ || pub_allow_->matches(subject);
    if (allowed && !pub_deny_.empty()) allowed = !pub_deny_.matches(subject);
    return allowed;
  }

  internal::SubjectCache pub_cache_;
  internal::SubjectCache receive_cache_;
};

// nats-server's checkPermSubjectArray: a valid subject, or exactly "subject queue". Returns
// what the error message names: the entry, or its subject part when that is what is wrong.
std::optional<std::string_view> invalid_part(std::string_view entry) {
  if (codec::is_valid_subject(entry)) return std::nullopt;
  const std::vector<std::string_view> parts = fields(entry);
  if (parts.size() != 2) return entry;
  if (!codec::is_valid_subject(parts[0])) return parts[0];
  return std::nullopt;
}

Result<void> check_entries(const std::vector<std::string>& entries, std::string* error_message) {
  for (const std::string& entry : entries) {
    if (std::optional<std::string_view> bad = invalid_part(entry)) {
      if (error_message != nullptr) {
        *error_message = "subject \"" + std::string(*bad) + "\" is not a valid subject";
      }
      return make_error_code(AuthErrc::kInvalidPermission);
    }
  }
  return success();
}

Result<void> check_permission(const std::optional<config::SubjectPermission>& permission,
                              std::string* error_message) {
  if (!permission) return success();
  if (permission->allow) {
    QV_TRY(check_entries(*permission->allow, error_message));
  }
  return check_entries(permission->deny, error_message);
}

void add_subscribe_entries(const std::vector<std::string>& entries, SubscribeList& list) {
  list.present = !entries.empty();
  for (const std::string& entry : entries) {
    const std::vector<std::string_view> parts = fields(entry);
    if (parts.size() == 2) {
      list.queues.push_back(QueueEntry{std::string(parts[0]), std::string(parts[1])});
    } else {
      list.plain.add(std::string(parts[0]));
    }
  }
}

}  // namespace

Result<std::shared_ptr<const Permissions>> make_permissions(const config::Permissions& permissions,
                                                            std::string* error_message) {
  const auto& pub = permissions.publish;
  const auto& sub = permissions.subscribe;
  QV_TRY(check_permission(pub, error_message));
  QV_TRY(check_permission(sub, error_message));

  const bool pub_restricted = pub && (pub->allow || !pub->deny.empty());
  const bool sub_restricted = sub && ((sub->allow && !sub->allow->empty()) || !sub->deny.empty());
  if (!pub_restricted && !sub_restricted && !permissions.response) {
    return std::shared_ptr<const Permissions>();
  }

  auto impl = std::make_shared<PermissionsImpl>();
  if (permissions.response) {
    impl->responses_ = Permissions::ResponseAllowance{permissions.response->max_msgs,
                                                      permissions.response->expires};
  }
  if (pub) {
    // Publish entries are never split at a space: nats-server stores "foo q" as a subject.
    if (pub->allow) {
      impl->pub_allow_.emplace();
      for (const std::string& entry : *pub->allow) impl->pub_allow_->add(entry);
    }
    for (const std::string& entry : pub->deny) impl->pub_deny_.add(entry);
  }
  if (sub) {
    if (sub->allow) add_subscribe_entries(*sub->allow, impl->sub_allow_);
    add_subscribe_entries(sub->deny, impl->sub_deny_);
    impl->sub_deny_raw_ = sub->deny;
  }
  return std::shared_ptr<const Permissions>(std::move(impl));
}

}  // namespace quiver::server
