"""System repositories: the only place besides third_party/BUILD that names system paths."""

def quiver_system_repositories():
    native.new_local_repository(
        name = "system_python",
        path = "/usr/include/python3.11",
        build_file_content = """
cc_library(
    name = "headers",
    hdrs = glob(["**/*.h"]),
    includes = ["."],
    visibility = ["//visibility:public"],
)
""",
    )
