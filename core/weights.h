// The values of a graph's weights, by name.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "core/graph.h"
#include "core/tensor.h"

namespace eb {

class Weights {
 public:
  // Throws std::invalid_argument naming the weight when it is absent.
  const Tensor& get(const std::string& name) const;
  bool contains(const std::string& name) const { return values_.contains(name); }
  void set(const std::string& name, Tensor value) { values_[name] = std::move(value); }
  void erase(const std::string& name) { values_.erase(name); }
  std::vector<std::string> names() const;
  std::size_t size() const { return values_.size(); }
  const std::map<std::string, Tensor>& all() const { return values_; }

  // Checks that every weight `graph` declares is present with the declared shape and
  // dtype; throws std::invalid_argument naming the first offending tensor.
  void check_against(const Graph& graph) const;

 private:
  std::map<std::string, Tensor> values_;
};

}  // namespace eb
