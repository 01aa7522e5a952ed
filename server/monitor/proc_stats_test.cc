#include "server/monitor/proc_stats.h"

#include <gtest/gtest.h>

namespace quiver::server::monitor {
namespace {

TEST(ProcStatsTest, ParsesStatWithAwkwardCommandName) {
  // proc(5): pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt
  //          utime stime cutime cstime priority nice threads itrealvalue starttime vsize ...
  const std::string stat =
      "4242 (a) b (c)) S 1 4242 4242 0 -1 4194560 1000 0 0 0 "
      "123 45 0 0 20 0 3 0 987654 10000000 2500 18446744073709551615\n";
  auto t = parse_proc_stat(stat);
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(t->utime, 123u);
  EXPECT_EQ(t->stime, 45u);
  EXPECT_EQ(t->starttime, 987654u);
}

TEST(ProcStatsTest, RejectsTruncatedStat) {
  EXPECT_FALSE(parse_proc_stat("4242 (x) S 1 2 3").has_value());
  EXPECT_FALSE(parse_proc_stat("no parenthesis").has_value());
}

TEST(ProcStatsTest, ReadsResidentPagesFromStatm) {
  EXPECT_EQ(parse_statm_resident_pages("5000 1234 300 10 0 900 0\n"), 1234u);
  EXPECT_FALSE(parse_statm_resident_pages("5000").has_value());
}

TEST(ProcStatsTest, CpuPercentIsTruncatedToOneDecimal) {
  // 150 ticks at 100 Hz over 2 s: 75%.
  EXPECT_DOUBLE_EQ(cpu_percent(150, 2.0, 100), 75.0);
  // 1 tick at 100 Hz over 3 s: 0.333...% -> 0.3.
  EXPECT_DOUBLE_EQ(cpu_percent(1, 3.0, 100), 0.3);
  // Two busy cores for a second: 200%.
  EXPECT_DOUBLE_EQ(cpu_percent(200, 1.0, 100), 200.0);
  EXPECT_DOUBLE_EQ(cpu_percent(5, 0.0, 100), 0.0);
}

TEST(ProcStatsTest, SamplesThisProcess) {
  ProcessSampler sampler;
  EXPECT_GT(sampler.resident_bytes(), 1024 * 1024);  // any live test binary holds > 1 MiB
  const double cpu = sampler.cpu();
  EXPECT_GE(cpu, 0.0);
  // Within a second the first sample is reused, so quick scrapes agree.
  EXPECT_EQ(sampler.cpu(), cpu);
}

}  // namespace
}  // namespace quiver::server::monitor
