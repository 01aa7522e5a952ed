#include "client/message.h"

#include <utility>

#include <gtest/gtest.h>

namespace quiver::client {
namespace {

TEST(MessageTest, KeepsSubjectReplyAndData) {
  const Message m("foo.bar", "_INBOX.x.1", "hello");
  EXPECT_EQ(m.subject(), "foo.bar");
  EXPECT_EQ(m.reply(), "_INBOX.x.1");
  EXPECT_EQ(m.data(), "hello");
  EXPECT_FALSE(m.has_headers());
  EXPECT_EQ(m.status(), 0);
  EXPECT_EQ(m.size(), 5u);
}

TEST(MessageTest, EmptyPartsAreEmpty) {
  const Message m("a", "", "");
  EXPECT_EQ(m.subject(), "a");
  EXPECT_TRUE(m.reply().empty());
  EXPECT_TRUE(m.data().empty());
  const Message none;
  EXPECT_TRUE(none.subject().empty());
}

TEST(MessageTest, HeadersAndStatus) {
  codec::Headers h;
  h.set_status(503);
  h.add("K", "v1");
  h.add("K", "v2");
  const Message m("s", "", "xyz", h);
  EXPECT_TRUE(m.has_headers());
  EXPECT_EQ(m.status(), 503);
  EXPECT_EQ(m.headers().get_all("K").size(), 2u);
  EXPECT_EQ(m.size(), 3u + 1 + 2 + 1 + 2);
}

TEST(MessageTest, MovesKeepViewsValid) {
  Message a(std::string(100, 's'), std::string(50, 'r'), std::string(1000, 'd'));
  Message b = std::move(a);
  EXPECT_EQ(b.subject(), std::string(100, 's'));
  EXPECT_EQ(b.reply(), std::string(50, 'r'));
  EXPECT_EQ(b.data(), std::string(1000, 'd'));
  Message c;
  c = std::move(b);
  EXPECT_EQ(c.data().size(), 1000u);
  // Small messages live in the string's inline buffer: a move copies them, views must follow.
  Message d("x", "y", "z");
  Message e = std::move(d);
  EXPECT_EQ(e.subject(), "x");
  EXPECT_EQ(e.reply(), "y");
  EXPECT_EQ(e.data(), "z");
}

}  // namespace
}  // namespace quiver::client
