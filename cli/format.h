// Text formatting shared by quiver's commands, matching what natscli prints: thousands
// separators ("1,234,567"), nats.go's byte rates ("75.35 MB"), Go duration strings ("1.5ms"),
// and the "15:04:05 " prefix of natscli's log lines.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace quiver::cli {

// 1234567 -> "1,234,567". Doubles are rounded to the nearest integer first.
std::string with_commas(std::uint64_t value);
std::string with_commas(double value);

// nats.go bench's HumanBytes (powers of 1024, two decimals): 512 -> "512.00 B",
// 78999999 -> "75.34 MB".
std::string human_bytes(double bytes);

// Go's time.Duration.String(): "0s", "850ns", "85.3µs", "1.5ms", "2s", "1m30s", "1h0m0s".
std::string go_duration(std::chrono::nanoseconds d);

// Local wall-clock "HH:MM:SS", the prefix natscli puts on its log lines.
std::string clock_hms(std::chrono::system_clock::time_point t);

// A double with `decimals` digits after the point ("12.3").
std::string fixed(double value, int decimals);

}  // namespace quiver::cli
