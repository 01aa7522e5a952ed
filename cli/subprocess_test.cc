#include "cli/subprocess.h"

#include <gtest/gtest.h>

namespace quiver::cli {
namespace {

TEST(SubprocessTest, CapturesStdoutAndStderrInOrder) {
  const CommandResult r = run_command({"/bin/sh", "-c", "echo out; echo err 1>&2; echo again"}, {});
  EXPECT_EQ(r.output, "out\nerr\nagain\n");
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.error, "");
}

TEST(SubprocessTest, ReportsExitStatus) {
  const CommandResult r = run_command({"/bin/sh", "-c", "printf partial; exit 3"}, {});
  EXPECT_EQ(r.output, "partial");
  EXPECT_EQ(r.status, 3);
}

TEST(SubprocessTest, ReportsDeathBySignal) {
  const CommandResult r = run_command({"/bin/sh", "-c", "kill -9 $$"}, {});
  EXPECT_EQ(r.status, 128 + 9);
}

TEST(SubprocessTest, LooksUpThePathAndPassesExtraEnvironment) {
  const CommandResult r =
      run_command({"printenv", "NATS_REQUEST_BODY"}, {{"NATS_REQUEST_BODY", "hello there"}});
  EXPECT_EQ(r.output, "hello there\n");
  EXPECT_EQ(r.status, 0);
}

TEST(SubprocessTest, ExtraEnvironmentReplacesInheritedValues) {
  ::setenv("QV_SUBPROCESS_TEST", "old", 1);
  const CommandResult r = run_command({"/bin/sh", "-c",
                                       "env | grep -c '^QV_SUBPROCESS_TEST='; "
                                       "echo $QV_SUBPROCESS_TEST"},
                                      {{"QV_SUBPROCESS_TEST", "new"}});
  EXPECT_EQ(r.output, "1\nnew\n");
}

TEST(SubprocessTest, StdinIsEmpty) {
  const CommandResult r = run_command({"/bin/cat"}, {});
  EXPECT_EQ(r.output, "");
  EXPECT_EQ(r.status, 0);
}

TEST(SubprocessTest, MissingProgram) {
  const CommandResult r = run_command({"quiver-no-such-program-xyz"}, {});
  EXPECT_EQ(r.status, 127);
  EXPECT_EQ(r.error, "quiver-no-such-program-xyz: No such file or directory");
  EXPECT_EQ(run_command({}, {}).status, 127);
}

}  // namespace
}  // namespace quiver::cli
