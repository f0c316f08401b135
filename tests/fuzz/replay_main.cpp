// fuzz_replay <target> <corpus dir>…: runs a fuzz target over every file of its corpus (the
// seeds, and every input a campaign kept or a crash left), as the ordinary build's regression
// test. Prints how many inputs ran; a failed check aborts with the file named first.

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <vector>

#include "tests/fuzz/fuzz_target.hpp"

namespace sb::fuzz {

namespace {
std::map<std::string, target_fn, std::less<>>& targets() {
  static std::map<std::string, target_fn, std::less<>> all;
  return all;
}
}  // namespace

bool register_target(std::string_view name, target_fn fn) {
  targets().emplace(std::string(name), fn);
  return true;
}

}  // namespace sb::fuzz

int main(int argc, char** argv) {
  namespace fs = std::filesystem;
  auto& all = sb::fuzz::targets();
  if (argc < 3 || !all.contains(argv[1])) {
    std::fprintf(stderr, "usage: fuzz_replay <target> <corpus dir>...\ntargets:");
    for (const auto& [name, fn] : all) std::fprintf(stderr, " %s", name.c_str());
    std::fprintf(stderr, "\n");
    return 2;
  }
  auto fn = all.find(argv[1])->second;
  std::vector<fs::path> inputs;
  for (int i = 2; i < argc; ++i) {
    for (const auto& entry : fs::recursive_directory_iterator(argv[i])) {
      if (entry.is_regular_file()) inputs.push_back(entry.path());
    }
  }
  std::sort(inputs.begin(), inputs.end());
  for (const auto& path : inputs) {
    std::ifstream in(path, std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::fprintf(stderr, "%s\r", path.c_str());  // named if the target aborts
    fn(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
  }
  std::printf("%s: %zu inputs replayed, all checks held\n", argv[1], inputs.size());
  return inputs.empty() ? 1 : 0;
}
