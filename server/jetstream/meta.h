// Stream and consumer metadata on disk, and opening a stream's store.
//
//   <account dir>/streams/<stream>/meta.inf         checksummed JSON {"created","config"}
//   <account dir>/streams/<stream>/msgs/...          the file store (docs/storage.md)
//   <account dir>/streams/<stream>/obs/<consumer>/meta.inf   {"created","durable","config"}
//   <account dir>/streams/<stream>/obs/<consumer>/o.dat      consumer state (protobuf)
//
// Memory streams keep nothing on disk and do not survive a restart (as in nats-server).
#pragma once

#include <memory>
#include <string>

#include "common/result.h"
#include "server/jetstream/api/types.h"
#include "server/jetstream/jetstream.h"
#include "server/jetstream/store/store.h"

namespace quiver::server::jetstream {

class Stream;

// A new store for a new stream (file store under `dir`/msgs, or memory).
Result<std::unique_ptr<StreamStore>> create_store(const JetStreamConfig& js,
                                                  const api::StreamConfig& config,
                                                  const std::string& dir);

// The stream whose meta.inf and store are in `dir` (not yet activated).
Result<std::unique_ptr<Stream>> open_stream_from_disk(JetStream& js, AccountState& acc,
                                                      const std::string& dir);

// Recreates the durable consumers saved under the stream's obs/ directory.
void recover_consumers(Stream& stream);

std::string encode_stream_meta(const api::StreamConfig& config, api::UnixNanos created);
std::string encode_consumer_meta(const std::string& name, const api::ConsumerConfig& config,
                                 api::UnixNanos created, bool durable);

}  // namespace quiver::server::jetstream
