#include "cli/bench_report.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "cli/format.h"
#include "codec/protocol_json.h"

namespace quiver::cli {
namespace {

double seconds(std::chrono::nanoseconds d) { return std::chrono::duration<double>(d).count(); }

std::string sample_text(const ClientSample& s) {
  return with_commas(s.rate()) + " msgs/sec ~ " + human_bytes(s.throughput()) + "/sec";
}

std::string latency_text(std::uint64_t ns) {
  char buf[32];
  if (ns < 1000000) {
    std::snprintf(buf, sizeof buf, "%.1f\xc2\xb5s", static_cast<double>(ns) / 1e3);
  } else if (ns < 1000000000) {
    std::snprintf(buf, sizeof buf, "%.2fms", static_cast<double>(ns) / 1e6);
  } else {
    std::snprintf(buf, sizeof buf, "%.2fs", static_cast<double>(ns) / 1e9);
  }
  return buf;
}

std::string percent(std::uint64_t part, std::uint64_t whole) {
  return fixed(whole == 0 ? 0.0 : 100.0 * static_cast<double>(part) / static_cast<double>(whole),
               2) +
         "%";
}

void group_text(std::string& out, const std::string& indent, const std::string& title,
                const SampleGroup& group) {
  out += indent + title + " stats: " + sample_text(group.total()) + "\n";
  if (group.clients.size() <= 1) return;
  for (std::size_t i = 0; i < group.clients.size(); ++i) {
    const ClientSample& c = group.clients[i];
    out += indent + " [" + std::to_string(i + 1) + "] " + sample_text(c) + " (" +
           std::to_string(c.msgs) + " msgs)\n";
  }
  const auto spread = group.spread();
  out += indent + " min " + with_commas(spread.min) + " | avg " + with_commas(spread.avg) +
         " | max " + with_commas(spread.max) + " | stddev " + with_commas(spread.stddev) +
         " msgs\n";
}

std::string num(double v) {
  if (!std::isfinite(v)) return "0";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  // %g may print 1e+06 for large values; JSON accepts that, but plain digits read better.
  if (std::fabs(v) >= 1e6) std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

void group_json(std::string& out, const SampleGroup& group) {
  if (group.empty()) {
    out += "null";
    return;
  }
  const ClientSample t = group.total();
  out += "{\"msgs\":" + std::to_string(t.msgs) + ",\"bytes\":" + std::to_string(t.bytes) +
         ",\"seconds\":" + num(seconds(t.duration())) + ",\"msgs_per_s\":" + num(t.rate()) +
         ",\"bytes_per_s\":" + num(t.throughput()) + ",\"clients\":[";
  for (std::size_t i = 0; i < group.clients.size(); ++i) {
    const ClientSample& c = group.clients[i];
    if (i > 0) out += ",";
    out += "{\"msgs\":" + std::to_string(c.msgs) + ",\"bytes\":" + std::to_string(c.bytes) +
           ",\"seconds\":" + num(seconds(c.duration())) + ",\"msgs_per_s\":" + num(c.rate()) + "}";
  }
  out += "]}";
}

void latency_json(std::string& out, const LatencyHistogram& h) {
  if (h.count() == 0) {
    out += "null";
    return;
  }
  auto us = [](double ns) { return num(ns / 1e3); };
  out += "{\"count\":" + std::to_string(h.count()) +
         ",\"min\":" + us(static_cast<double>(h.min())) + ",\"mean\":" + us(h.mean()) +
         ",\"p50\":" + us(static_cast<double>(h.percentile(50))) +
         ",\"p90\":" + us(static_cast<double>(h.percentile(90))) +
         ",\"p99\":" + us(static_cast<double>(h.percentile(99))) +
         ",\"p999\":" + us(static_cast<double>(h.percentile(99.9))) +
         ",\"max\":" + us(static_cast<double>(h.max())) + "}";
}

}  // namespace

double ClientSample::rate() const noexcept {
  const double s = seconds(duration());
  return s > 0 ? static_cast<double>(msgs) / s : 0.0;
}

double ClientSample::throughput() const noexcept {
  const double s = seconds(duration());
  return s > 0 ? static_cast<double>(bytes) / s : 0.0;
}

std::uint64_t SampleGroup::msgs() const noexcept {
  std::uint64_t n = 0;
  for (const auto& c : clients) n += c.msgs;
  return n;
}

std::uint64_t SampleGroup::bytes() const noexcept {
  std::uint64_t n = 0;
  for (const auto& c : clients) n += c.bytes;
  return n;
}

ClientSample SampleGroup::total() const noexcept {
  ClientSample t;
  bool first = true;
  for (const auto& c : clients) {
    t.msgs += c.msgs;
    t.bytes += c.bytes;
    if (c.msgs == 0) continue;
    if (first || c.start < t.start) t.start = c.start;
    if (first || c.end > t.end) t.end = c.end;
    first = false;
  }
  return t;
}

SampleGroup::Spread SampleGroup::spread() const noexcept {
  Spread s;
  if (clients.empty()) return s;
  s.min = clients[0].rate();
  double sum = 0;
  for (const auto& c : clients) {
    const double r = c.rate();
    s.min = std::min(s.min, r);
    s.max = std::max(s.max, r);
    sum += r;
  }
  s.avg = sum / static_cast<double>(clients.size());
  double var = 0;
  for (const auto& c : clients) var += (c.rate() - s.avg) * (c.rate() - s.avg);
  s.stddev = std::sqrt(var / static_cast<double>(clients.size()));
  return s;
}

std::uint64_t BenchReport::lost() const noexcept {
  if (kind == "request") return failed;
  return expected > received ? expected - received : 0;
}

std::string format_text(const BenchReport& r) {
  std::string out;
  std::string indent;
  const bool request = r.kind == "request" || r.kind == "reply";
  if (!r.pubs.empty() && !r.subs.empty() && !request) {
    SampleGroup all;
    all.clients = r.pubs.clients;
    all.clients.insert(all.clients.end(), r.subs.clients.begin(), r.subs.clients.end());
    out += std::string(r.js ? "JetStream" : "NATS") +
           " Pub/Sub stats: " + sample_text(all.total()) + "\n";
    indent = " ";
  }
  if (!r.pubs.empty()) group_text(out, indent, request ? "Request" : "Pub", r.pubs);
  if (!r.subs.empty()) group_text(out, indent, request ? "Reply" : "Sub", r.subs);
  if (r.js && !r.pubs.empty()) {
    out += indent + "Unacknowledged: " + with_commas(r.failed) + " of " + with_commas(r.msgs) +
           " publishes (" + percent(r.failed, r.msgs) + ")\n";
  }
  if (r.kind == "request") {
    out += indent + "Unanswered: " + with_commas(r.failed) + " of " + with_commas(r.msgs) +
           " requests (" + percent(r.failed, r.msgs) + ")\n";
  } else if (r.expected > 0) {
    out += indent + "Lost: " + with_commas(r.lost()) + " of " + with_commas(r.expected) +
           " msgs (" + percent(r.lost(), r.expected) + ")\n";
  }
  auto latency_line = [&](const LatencyHistogram& h, const std::string& label) {
    if (h.count() == 0) return;
    out += indent + "Latency (" + label + "): min " + latency_text(h.min()) + " | p50 " +
           latency_text(h.percentile(50)) + " | p90 " + latency_text(h.percentile(90)) + " | p99 " +
           latency_text(h.percentile(99)) + " | p99.9 " + latency_text(h.percentile(99.9)) +
           " | max " + latency_text(h.max()) + " (" + with_commas(h.count()) + " samples)\n";
  };
  latency_line(r.ack_latency, "publish to ack");
  latency_line(r.latency, r.latency_label);
  return out;
}

std::string format_json(const BenchReport& r) {
  std::string out = "{\"kind\":";
  codec::append_json_string(out, r.kind);
  out += ",\"subject\":";
  codec::append_json_string(out, r.subject);
  out += ",\"msgs\":" + std::to_string(r.msgs) + ",\"size\":" + std::to_string(r.size) +
         ",\"pubs\":" + std::to_string(r.pubs.clients.size()) +
         ",\"subs\":" + std::to_string(r.subs.clients.size()) + ",\"queue\":";
  codec::append_json_string(out, r.queue);
  out += ",\"pub\":";
  group_json(out, r.pubs);
  out += ",\"sub\":";
  group_json(out, r.subs);
  out += ",\"expected\":" + std::to_string(r.expected) +
         ",\"received\":" + std::to_string(r.received) + ",\"lost\":" + std::to_string(r.lost()) +
         ",\"failed\":" + std::to_string(r.failed) + ",\"latency_us\":";
  latency_json(out, r.latency);
  out += ",\"ack_latency_us\":";
  latency_json(out, r.ack_latency);
  out += ",\"js\":";
  if (!r.js) {
    out += "null";
  } else {
    const JsBenchSettings& j = *r.js;
    out += "{\"stream\":";
    codec::append_json_string(out, j.stream);
    out += ",\"storage\":";
    codec::append_json_string(out, j.storage);
    out += ",\"publish\":";
    codec::append_json_string(out, j.publish);
    out += ",\"window\":" + std::to_string(j.window) + ",\"consumer\":";
    codec::append_json_string(out, j.consumer);
    out += ",\"pull_batch\":" + std::to_string(j.pull_batch) +
           ",\"acks\":" + (j.acks ? "true" : "false") + "}";
  }
  out += "}\n";
  return out;
}

}  // namespace quiver::cli
