#include "cli/js_format.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <ctime>

#include <boost/json/serialize.hpp>

#include "cli/format.h"

namespace quiver::cli {
namespace {

using jetstream::Time;

// Code points, which is what a terminal shows for the text we print ("µs", box characters).
std::size_t display_width(std::string_view s) {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80 ? 1 : 0;
  return n;
}

std::string repeat(std::string_view piece, std::size_t n) {
  std::string out;
  out.reserve(piece.size() * n);
  for (std::size_t i = 0; i < n; ++i) out += piece;
  return out;
}

std::string pad_right(const std::string& s, std::size_t width) {
  const std::size_t w = display_width(s);
  return w >= width ? s : s + std::string(width - w, ' ');
}

std::string yes_no(bool b) { return b ? "true" : "false"; }

std::string count_or_unlimited(std::int64_t n) {
  return n < 0 ? "unlimited" : with_commas(static_cast<std::uint64_t>(n));
}

std::string bytes_or_unlimited(std::int64_t n) {
  return n < 0 ? "unlimited" : ibytes(static_cast<std::uint64_t>(n));
}

std::string age_or_unlimited(std::chrono::nanoseconds d) {
  return d.count() <= 0 ? "unlimited" : humanize_duration(d);
}

std::string ago(Time t, Time now) {
  if (t == Time{}) return "never";
  return humanize_duration(std::max(now - t, Time::duration(0)));
}

std::string sequence_at(std::uint64_t seq, Time t) {
  std::string out = with_commas(seq);
  if (t != Time{}) out += " @ " + local_time(t);
  return out;
}

std::string printable_value(std::string_view value, std::size_t max) {
  std::string out;
  for (char c : value) {
    out += (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) ? '.' : c;
  }
  if (out.size() > max) out = out.substr(0, max - 3) + "...";
  return out;
}

void headers_block(std::string& out, const codec::Headers& headers) {
  if (headers.empty() && headers.status() == 0) return;
  out += "Headers:\n";
  if (headers.status() != 0) out += "  Status: " + std::to_string(headers.status()) + "\n";
  for (const codec::HeaderField& f : headers.fields()) out += "  " + f.key + ": " + f.value + "\n";
  out += "\n";
}

void json_indent(std::string& out, const boost::json::value& v, int depth) {
  const std::string pad(static_cast<std::size_t>(depth + 1) * 2, ' ');
  const std::string close(static_cast<std::size_t>(depth) * 2, ' ');
  if (v.is_object()) {
    const auto& obj = v.get_object();
    if (obj.empty()) {
      out += "{}";
      return;
    }
    out += "{\n";
    bool first = true;
    for (const auto& kv : obj) {
      if (!first) out += ",\n";
      first = false;
      out += pad + boost::json::serialize(boost::json::value(kv.key())) + ": ";
      json_indent(out, kv.value(), depth + 1);
    }
    out += "\n" + close + "}";
  } else if (v.is_array()) {
    const auto& arr = v.get_array();
    if (arr.empty()) {
      out += "[]";
      return;
    }
    out += "[\n";
    bool first = true;
    for (const auto& item : arr) {
      if (!first) out += ",\n";
      first = false;
      out += pad;
      json_indent(out, item, depth + 1);
    }
    out += "\n" + close + "]";
  } else {
    out += boost::json::serialize(v);
  }
}

std::string deliver_policy_text(const jetstream::ConsumerConfig& c) {
  switch (c.deliver_policy) {
    case jetstream::DeliverPolicy::kByStartSequence:
      return "From Sequence " + std::to_string(c.opt_start_seq);
    case jetstream::DeliverPolicy::kByStartTime:
      return "Since " + (c.opt_start_time ? local_time(*c.opt_start_time) : std::string("?"));
    default:
      return title_case(jetstream::to_string(c.deliver_policy));
  }
}

std::string bucket_of(const std::string& stream, std::string_view prefix) {
  return stream.starts_with(prefix) ? stream.substr(prefix.size()) : stream;
}

}  // namespace

// ----- values -----

std::string local_time(Time t) {
  if (t == Time{}) return "never";
  const auto secs = std::chrono::floor<std::chrono::seconds>(t.time_since_epoch()).count();
  const std::time_t tt = static_cast<std::time_t>(secs);
  struct tm tm {};
  localtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
  return buf;
}

std::string ibytes(std::uint64_t s) {
  if (s < 10) return std::to_string(s) + " B";
  static constexpr const char* kSizes[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  const double bytes = static_cast<double>(s);
  int e = static_cast<int>(std::floor(std::log(bytes) / std::log(1024.0)));
  e = std::clamp(e, 0, 6);
  const double val = std::floor(bytes / std::pow(1024.0, e) * 10 + 0.5) / 10;
  char buf[64];
  std::snprintf(buf, sizeof buf, val < 10 ? "%.1f %s" : "%.0f %s", val, kSizes[e]);
  return buf;
}

std::string humanize_duration(std::chrono::nanoseconds d) {
  const std::int64_t tsecs = d.count() / 1000000000;
  const std::int64_t tmins = tsecs / 60;
  const std::int64_t thrs = tmins / 60;
  const std::int64_t tdays = thrs / 24;
  const std::int64_t tyrs = tdays / 365;
  char buf[96];
  if (tyrs > 0) {
    std::snprintf(buf, sizeof buf, "%lldy%lldd%lldh%lldm%llds", static_cast<long long>(tyrs),
                  static_cast<long long>(tdays % 365), static_cast<long long>(thrs % 24),
                  static_cast<long long>(tmins % 60), static_cast<long long>(tsecs % 60));
  } else if (tdays > 0) {
    std::snprintf(buf, sizeof buf, "%lldd%lldh%lldm%llds", static_cast<long long>(tdays),
                  static_cast<long long>(thrs % 24), static_cast<long long>(tmins % 60),
                  static_cast<long long>(tsecs % 60));
  } else if (thrs > 0) {
    std::snprintf(buf, sizeof buf, "%lldh%lldm%llds", static_cast<long long>(thrs),
                  static_cast<long long>(tmins % 60), static_cast<long long>(tsecs % 60));
  } else if (tmins > 0) {
    std::snprintf(buf, sizeof buf, "%lldm%llds", static_cast<long long>(tmins),
                  static_cast<long long>(tsecs % 60));
  } else {
    std::snprintf(buf, sizeof buf, "%.2fs", static_cast<double>(d.count()) / 1e9);
  }
  return buf;
}

std::string pretty_json(const boost::json::value& v) {
  std::string out;
  json_indent(out, v, 0);
  return out + "\n";
}

std::string title_case(std::string_view api_name) {
  if (api_name == "workqueue") return "WorkQueue";
  std::string out;
  bool start = true;
  for (char c : api_name) {
    if (c == '_') {
      out += ' ';
      start = true;
      continue;
    }
    out += start ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
    start = false;
  }
  return out;
}

// ----- layouts -----

std::string render_table(const Table& table) {
  const std::size_t columns = table.headers.size();
  std::vector<std::size_t> widths(columns, 0);
  for (std::size_t i = 0; i < columns; ++i) widths[i] = display_width(table.headers[i]);
  for (const auto& row : table.rows) {
    for (std::size_t i = 0; i < columns && i < row.size(); ++i) {
      widths[i] = std::max(widths[i], display_width(row[i]));
    }
  }
  auto inner = [&] {
    std::size_t n = columns == 0 ? 0 : columns - 1;
    for (std::size_t w : widths) n += w + 2;
    return n;
  };
  const std::size_t title_width = display_width(table.title) + 2;
  if (!table.title.empty() && columns > 0 && inner() < title_width) {
    widths.back() += title_width - inner();
  }
  const std::size_t total = inner();

  auto rule = [&](std::string_view left, std::string_view mid, std::string_view right) {
    std::string out(left);
    for (std::size_t i = 0; i < columns; ++i) {
      if (i > 0) out += mid;
      out += repeat("─", widths[i] + 2);
    }
    return out + std::string(right) + "\n";
  };
  auto line = [&](const std::vector<std::string>& cells) {
    std::string out = "│";
    for (std::size_t i = 0; i < columns; ++i) {
      if (i > 0) out += "│";
      out += " " + pad_right(i < cells.size() ? cells[i] : "", widths[i]) + " ";
    }
    return out + "│\n";
  };

  std::string out;
  if (!table.title.empty()) {
    out += "╭" + repeat("─", total) + "╮\n";
    const std::size_t tw = display_width(table.title);
    const std::size_t left = (total - tw) / 2;
    out += "│" + std::string(left, ' ') + table.title + std::string(total - tw - left, ' ') + "│\n";
    out += rule("├", "┬", "┤");
  } else {
    out += rule("╭", "┬", "╮");
  }
  out += line(table.headers);
  out += rule("├", "┼", "┤");
  for (const auto& row : table.rows) out += line(row);
  out += rule("╰", "┴", "╯");
  return out;
}

std::string render_info(const std::string& heading, const std::vector<InfoSection>& sections) {
  std::size_t width = 0;
  for (const auto& s : sections) {
    for (const auto& row : s.rows) width = std::max(width, display_width(row.first));
  }
  std::string out = heading + "\n";
  for (const auto& s : sections) {
    if (s.rows.empty()) continue;
    out += "\n";
    if (!s.title.empty()) out += s.title + ":\n\n";
    for (const auto& [label, value] : s.rows) {
      out += "  " + std::string(width - display_width(label), ' ') + label + ": " + value + "\n";
    }
  }
  return out;
}

// ----- streams and consumers -----

std::string stream_info_text(const jetstream::StreamInfo& info) {
  const jetstream::StreamConfig& c = info.config;
  InfoSection config;
  if (!c.description.empty()) config.rows.emplace_back("Description", c.description);
  std::string subjects;
  for (const auto& s : c.subjects) subjects += (subjects.empty() ? "" : ", ") + s;
  if (!subjects.empty()) config.rows.emplace_back("Subjects", subjects);
  config.rows.emplace_back("Replicas", std::to_string(c.num_replicas));
  config.rows.emplace_back("Storage", title_case(jetstream::to_string(c.storage)));
  if (c.mirror) config.rows.emplace_back("Mirror", c.mirror->name);
  for (const auto& s : c.sources) config.rows.emplace_back("Source", s.name);

  InfoSection options{.title = "Options"};
  options.rows.emplace_back("Retention", title_case(jetstream::to_string(c.retention)));
  options.rows.emplace_back("Acknowledgements", yes_no(!c.no_ack));
  options.rows.emplace_back("Discard Policy",
                            title_case(jetstream::to_string(c.discard)) +
                                (c.discard_new_per_subject ? " Per Subject" : ""));
  options.rows.emplace_back("Duplicate Window", humanize_duration(c.duplicate_window));
  options.rows.emplace_back("Direct Get", yes_no(c.allow_direct));
  options.rows.emplace_back("Allows Msg Delete", yes_no(!c.deny_delete));
  options.rows.emplace_back("Allows Purge", yes_no(!c.deny_purge));
  options.rows.emplace_back("Allows Rollups", yes_no(c.allow_rollup_hdrs));
  if (c.sealed) options.rows.emplace_back("Sealed", "true");

  InfoSection limits{.title = "Limits"};
  limits.rows.emplace_back("Maximum Messages", count_or_unlimited(c.max_msgs));
  limits.rows.emplace_back("Maximum Per Subject", count_or_unlimited(c.max_msgs_per_subject));
  limits.rows.emplace_back("Maximum Bytes", bytes_or_unlimited(c.max_bytes));
  limits.rows.emplace_back("Maximum Age", age_or_unlimited(c.max_age));
  limits.rows.emplace_back("Maximum Message Size", bytes_or_unlimited(c.max_msg_size));
  limits.rows.emplace_back("Maximum Consumers", count_or_unlimited(c.max_consumers));

  const jetstream::StreamState& s = info.state;
  InfoSection state{.title = "State"};
  state.rows.emplace_back("Messages", with_commas(s.messages));
  state.rows.emplace_back("Bytes", ibytes(s.bytes));
  state.rows.emplace_back("First Sequence", sequence_at(s.first_seq, s.first_ts));
  state.rows.emplace_back("Last Sequence", sequence_at(s.last_seq, s.last_ts));
  if (s.num_deleted > 0) state.rows.emplace_back("Deleted Messages", with_commas(s.num_deleted));
  state.rows.emplace_back("Active Consumers", std::to_string(s.consumer_count));
  if (s.num_subjects > 0)
    state.rows.emplace_back("Number of Subjects", with_commas(s.num_subjects));

  return render_info("Information for Stream " + c.name + " created " + local_time(info.created),
                     {config, options, limits, state});
}

std::string stream_table(const std::vector<jetstream::StreamInfo>& streams, Time now) {
  Table t{.title = "Streams",
          .headers = {"Name", "Description", "Created", "Messages", "Size", "Last Message"}};
  for (const auto& s : streams) {
    t.rows.push_back(
        {s.config.name, s.config.description, local_time(s.created), with_commas(s.state.messages),
         ibytes(s.state.bytes),
         s.state.messages == 0 && s.state.last_seq == 0 ? "never" : ago(s.state.last_ts, now)});
  }
  return render_table(t);
}

std::string consumer_info_text(const jetstream::ConsumerInfo& info) {
  const jetstream::ConsumerConfig& c = info.config;
  const bool push = !c.deliver_subject.empty();
  InfoSection config{.title = "Configuration"};
  config.rows.emplace_back(c.durable_name.empty() ? "Name" : "Durable Name", info.name);
  if (!c.description.empty()) config.rows.emplace_back("Description", c.description);
  if (push) {
    config.rows.emplace_back("Delivery Subject", c.deliver_subject);
    if (!c.deliver_group.empty()) config.rows.emplace_back("Deliver Queue Group", c.deliver_group);
  } else {
    config.rows.emplace_back("Pull Mode", "true");
  }
  if (!c.filter_subject.empty()) config.rows.emplace_back("Filter Subject", c.filter_subject);
  config.rows.emplace_back("Deliver Policy", deliver_policy_text(c));
  config.rows.emplace_back("Ack Policy", title_case(jetstream::to_string(c.ack_policy)));
  if (c.ack_policy != jetstream::AckPolicy::kNone) {
    config.rows.emplace_back("Ack Wait", humanize_duration(c.ack_wait));
  }
  config.rows.emplace_back("Replay Policy", title_case(jetstream::to_string(c.replay_policy)));
  if (c.max_deliver > 0)
    config.rows.emplace_back("Maximum Deliveries", std::to_string(c.max_deliver));
  if (c.max_ack_pending > 0) {
    config.rows.emplace_back("Max Ack Pending", with_commas(std::uint64_t(c.max_ack_pending)));
  }
  if (!push && c.max_waiting > 0) {
    config.rows.emplace_back("Max Waiting Pulls", with_commas(std::uint64_t(c.max_waiting)));
  }
  if (c.idle_heartbeat.count() > 0) {
    config.rows.emplace_back("Idle Heartbeat", humanize_duration(c.idle_heartbeat));
  }
  if (c.flow_control) config.rows.emplace_back("Flow Control", "true");
  if (c.headers_only) config.rows.emplace_back("Headers Only", "true");
  if (c.inactive_threshold.count() > 0) {
    config.rows.emplace_back("Inactive Threshold", humanize_duration(c.inactive_threshold));
  }

  InfoSection state{.title = "State"};
  auto seqs = [](const jetstream::SequenceInfo& s) {
    return "Consumer sequence: " + with_commas(s.consumer_seq) +
           " Stream sequence: " + with_commas(s.stream_seq);
  };
  state.rows.emplace_back("Last Delivered Message", seqs(info.delivered));
  state.rows.emplace_back("Acknowledgment Floor", seqs(info.ack_floor));
  std::string outstanding = with_commas(std::uint64_t(std::max(info.num_ack_pending, 0)));
  if (c.max_ack_pending > 0) {
    outstanding += " out of maximum " + with_commas(std::uint64_t(c.max_ack_pending));
  }
  state.rows.emplace_back("Outstanding Acks", outstanding);
  state.rows.emplace_back("Redelivered Messages",
                          with_commas(std::uint64_t(std::max(info.num_redelivered, 0))));
  state.rows.emplace_back("Unprocessed Messages", with_commas(info.num_pending));
  if (push) {
    state.rows.emplace_back("Active Interest", info.push_bound ? "Active" : "No interest");
  } else {
    std::string waiting = std::to_string(info.num_waiting);
    if (c.max_waiting > 0) waiting += " of maximum " + with_commas(std::uint64_t(c.max_waiting));
    state.rows.emplace_back("Waiting Pulls", waiting);
  }
  return render_info("Information for Consumer " + info.stream_name + " > " + info.name +
                         " created " + local_time(info.created),
                     {config, state});
}

std::string consumer_table(const std::string& stream,
                           const std::vector<jetstream::ConsumerInfo>& consumers, Time now) {
  Table t{
      .title = "Consumers for Stream " + stream,
      .headers = {"Name", "Description", "Created", "Ack Pending", "Unprocessed", "Last Delivery"}};
  for (const auto& c : consumers) {
    const auto& last = c.delivered.last_active;
    t.rows.push_back({c.name, c.config.description, local_time(c.created),
                      with_commas(std::uint64_t(std::max(c.num_ack_pending, 0))),
                      with_commas(c.num_pending), last ? ago(*last, now) : "never"});
  }
  return render_table(t);
}

std::string stored_msg_text(const std::string& stream, const jetstream::StoredMsg& msg) {
  std::string out = "Item: " + stream + "#" + std::to_string(msg.seq) + " received " +
                    local_time(msg.time) + " on Subject " + msg.subject + "\n\n";
  headers_block(out, msg.headers);
  out += msg.data;
  if (!msg.data.ends_with('\n')) out += "\n";
  return out;
}

std::string consumer_msg_text(const client::Message& msg, const jetstream::Metadata& meta) {
  const auto when = std::chrono::time_point_cast<std::chrono::system_clock::duration>(
      std::chrono::system_clock::time_point(meta.timestamp.time_since_epoch()));
  std::string out = "[" + clock_hms(when) + "] subj: " + std::string(msg.subject()) +
                    " / tries: " + std::to_string(meta.num_delivered) +
                    " / cons seq: " + std::to_string(meta.consumer_seq) +
                    " / str seq: " + std::to_string(meta.stream_seq) +
                    " / pending: " + std::to_string(meta.num_pending) + "\n\n";
  headers_block(out, msg.headers());
  out += msg.data();
  if (!msg.data().ends_with('\n')) out += "\n";
  return out + "\n";
}

// ----- key/value -----

std::string kv_entry_text(const jetstream::Entry& e) {
  std::string out = e.bucket + " > " + e.key + " revision: " + std::to_string(e.revision) +
                    " created @ " + local_time(e.created);
  if (e.operation != jetstream::KeyValueOp::kPut) {
    out += " (" + std::string(jetstream::to_string(e.operation)) + ")";
  }
  return out + "\n\n" + e.value + "\n";
}

std::string kv_watch_line(const jetstream::Entry& e) {
  std::string out = "[" + local_time(e.created) + "] " +
                    std::string(jetstream::to_string(e.operation)) + " " + e.bucket + " > " + e.key;
  if (e.operation == jetstream::KeyValueOp::kPut) out += ": " + e.value;
  return out + "\n";
}

std::string kv_history_table(const std::string& bucket, const std::string& key,
                             const std::vector<jetstream::Entry>& entries) {
  Table t{.title = "History for " + bucket + " > " + key,
          .headers = {"Key", "Revision", "Op", "Created", "Length", "Value"}};
  for (const auto& e : entries) {
    t.rows.push_back({e.key, std::to_string(e.revision),
                      std::string(jetstream::to_string(e.operation)), local_time(e.created),
                      std::to_string(e.value.size()), printable_value(e.value, 40)});
  }
  return render_table(t);
}

std::string kv_status_text(const jetstream::KeyValueStatus& s) {
  const jetstream::StreamConfig& c = s.stream_info.config;
  InfoSection config{.title = "Configuration"};
  config.rows.emplace_back("Bucket Name", s.bucket);
  if (!c.description.empty()) config.rows.emplace_back("Description", c.description);
  config.rows.emplace_back("History Kept", std::to_string(s.history));
  config.rows.emplace_back("Values Stored", with_commas(s.values));
  config.rows.emplace_back("Backing Store Kind", "JetStream");
  config.rows.emplace_back("Bucket Size", ibytes(s.bytes));
  config.rows.emplace_back("Maximum Bucket Size", bytes_or_unlimited(c.max_bytes));
  config.rows.emplace_back("Maximum Value Size", bytes_or_unlimited(c.max_msg_size));
  config.rows.emplace_back("Maximum Age", age_or_unlimited(s.ttl));
  config.rows.emplace_back("JetStream Stream", c.name);
  config.rows.emplace_back("Storage", title_case(jetstream::to_string(c.storage)));
  config.rows.emplace_back("Replicas", std::to_string(c.num_replicas));
  return render_info("Information for Key-Value Store Bucket " + s.bucket + " created " +
                         local_time(s.stream_info.created),
                     {config});
}

std::string kv_bucket_table(const std::vector<jetstream::StreamInfo>& streams, Time now) {
  Table t{.title = "Key-Value Buckets",
          .headers = {"Bucket", "Description", "Created", "Size", "Values", "Last Update"}};
  for (const auto& s : streams) {
    t.rows.push_back({bucket_of(s.config.name, "KV_"), s.config.description, local_time(s.created),
                      ibytes(s.state.bytes), with_commas(s.state.messages),
                      s.state.last_seq == 0 ? "never" : ago(s.state.last_ts, now)});
  }
  return render_table(t);
}

// ----- object stores -----

std::string object_info_text(const jetstream::ObjectInfo& info) {
  InfoSection rows;
  if (!info.description.empty()) rows.rows.emplace_back("Description", info.description);
  rows.rows.emplace_back("Size", ibytes(info.size));
  rows.rows.emplace_back("Modification Time", local_time(info.mtime));
  rows.rows.emplace_back("Chunks", with_commas(std::uint64_t(info.chunks)));
  if (!info.digest.empty()) rows.rows.emplace_back("Digest", info.digest);
  if (info.options && info.options->link) {
    const auto& l = *info.options->link;
    rows.rows.emplace_back("Link", l.name.empty() ? l.bucket : l.bucket + " > " + l.name);
  }
  if (info.deleted) rows.rows.emplace_back("Deleted", "true");
  for (const auto& [key, values] : info.headers) {
    for (const auto& v : values) rows.rows.emplace_back("Header " + key, v);
  }
  return render_info("Object information for " + info.bucket + " > " + info.name, {rows});
}

std::string object_table(const std::string& bucket,
                         const std::vector<jetstream::ObjectInfo>& objects) {
  Table t{.title = "Bucket Contents", .headers = {"Name", "Size", "Time"}};
  for (const auto& o : objects) t.rows.push_back({o.name, ibytes(o.size), local_time(o.mtime)});
  if (!bucket.empty()) t.title = "Bucket Contents: " + bucket;
  return render_table(t);
}

std::string object_bucket_text(const jetstream::StreamInfo& s) {
  const jetstream::StreamConfig& c = s.config;
  InfoSection config{.title = "Configuration"};
  config.rows.emplace_back("Bucket Name", bucket_of(c.name, "OBJ_"));
  if (!c.description.empty()) config.rows.emplace_back("Description", c.description);
  config.rows.emplace_back("Replicas", std::to_string(c.num_replicas));
  config.rows.emplace_back("TTL", age_or_unlimited(c.max_age));
  config.rows.emplace_back("Sealed", yes_no(c.sealed));
  config.rows.emplace_back("Size", ibytes(s.state.bytes));
  config.rows.emplace_back("Maximum Bucket Size", bytes_or_unlimited(c.max_bytes));
  config.rows.emplace_back("Backing Store Kind", "JetStream");
  config.rows.emplace_back("JetStream Stream", c.name);
  config.rows.emplace_back("Storage", title_case(jetstream::to_string(c.storage)));
  return render_info("Information for Object Store Bucket " + bucket_of(c.name, "OBJ_") +
                         " created " + local_time(s.created),
                     {config});
}

std::string object_bucket_table(const std::vector<jetstream::StreamInfo>& streams) {
  Table t{.title = "Object Store Buckets", .headers = {"Bucket", "Description", "Created", "Size"}};
  for (const auto& s : streams) {
    t.rows.push_back({bucket_of(s.config.name, "OBJ_"), s.config.description, local_time(s.created),
                      ibytes(s.state.bytes)});
  }
  return render_table(t);
}

}  // namespace quiver::cli
