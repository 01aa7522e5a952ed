// Registration of every conformance case, one function per protocol area.
#pragma once

#include "conformance/lib/registry.h"

namespace quiver::conformance {

void register_handshake_cases(Registry& registry);
void register_verbose_cases(Registry& registry);
void register_pedantic_cases(Registry& registry);
void register_pubsub_cases(Registry& registry);
void register_wildcard_cases(Registry& registry);
void register_queue_cases(Registry& registry);
void register_unsub_cases(Registry& registry);
void register_request_cases(Registry& registry);
void register_headers_cases(Registry& registry);
void register_errors_cases(Registry& registry);
void register_limits_cases(Registry& registry);
void register_split_cases(Registry& registry);
void register_ping_cases(Registry& registry);
void register_slow_consumer_cases(Registry& registry);
void register_ordering_cases(Registry& registry);
void register_subjects_cases(Registry& registry);
void register_auth_cases(Registry& registry);
void register_monitoring_cases(Registry& registry);
void register_cluster_cases(Registry& registry);
void register_jetstream_cases(Registry& registry);
void register_jetstream_stream_cases(Registry& registry);
void register_jetstream_publish_cases(Registry& registry);
void register_jetstream_consumer_cases(Registry& registry);
void register_jetstream_kv_cases(Registry& registry);

// All of the above, in this order (the order cases run and are listed in).
void register_all_cases(Registry& registry);

}  // namespace quiver::conformance
