// The one source of eb_test_pch (tests/CMakeLists.txt), the target that builds the test
// executables' shared precompiled header; it has nothing of its own to compile.
