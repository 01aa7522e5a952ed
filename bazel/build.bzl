"""Quiver's build macros: every C++ target in the tree goes through these.

They add the project's warning flags (with -Werror for our code only, so a system header can
never break the build) and the test conventions: tags, sizes and the fuzz-test replay mode.
"""

load("@rules_cc//cc:defs.bzl", "cc_binary", "cc_library", "cc_test")

QV_COPTS = [
    "-Wall",
    "-Wextra",
    "-Werror",
    "-Wno-unused-parameter",
    "-Wno-missing-field-initializers",
]

def qv_cc_library(name, copts = [], **kwargs):
    cc_library(name = name, copts = QV_COPTS + copts, **kwargs)

def qv_cc_binary(name, copts = [], **kwargs):
    cc_binary(name = name, copts = QV_COPTS + copts, **kwargs)

def qv_cc_test(name, copts = [], deps = [], size = "small", **kwargs):
    """A GoogleTest test linked with gtest_main."""
    cc_test(
        name = name,
        copts = QV_COPTS + copts,
        deps = deps + ["//third_party:gtest", "//third_party:gtest_main"],
        size = size,
        **kwargs
    )

def qv_cc_fuzz_test(name, srcs, deps = [], corpus = None, copts = [], **kwargs):
    """A libFuzzer target (LLVMFuzzerTestOneInput).

    In the default build it links //testing:fuzz_replay_main and replays every file of the
    corpus as an ordinary test. Under --config=fuzz it links libFuzzer; tools/fuzz.sh runs
    that build for a bounded time with a scratch corpus seeded from this one.
    """
    # corpus is a directory inside this package; tests run from the workspace root of the
    # runfiles tree, so a package-relative path finds it.
    data = native.glob([corpus + "/**"]) if corpus else []
    args = [native.package_name() + "/" + corpus] if corpus else []
    cc_test(
        name = name,
        srcs = srcs,
        copts = QV_COPTS + copts,
        deps = deps + select({
            "//bazel:fuzzing_libfuzzer": [],
            "//conditions:default": ["//testing:fuzz_replay_main"],
        }),
        linkopts = select({
            "//bazel:fuzzing_libfuzzer": ["-fsanitize=fuzzer"],
            "//conditions:default": [],
        }),
        data = data,
        args = args,
        tags = kwargs.pop("tags", []) + ["fuzz"],
        size = kwargs.pop("size", "small"),
        **kwargs
    )

def qv_cc_bench(name, copts = [], deps = [], **kwargs):
    """A Google Benchmark binary. Run it with `bazel run -c opt`; never part of `bazel test`."""
    cc_binary(
        name = name,
        copts = QV_COPTS + copts,
        deps = deps + ["//third_party:benchmark", "//third_party:benchmark_main"],
        testonly = True,
        **kwargs
    )
