#!/bin/sh
# The system protoc (protobuf 3.21), matching the system libprotobuf the runtime links.
exec /usr/bin/protoc "$@"
