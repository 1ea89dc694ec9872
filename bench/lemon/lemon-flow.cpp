// Time LEMON's min-cost-flow algorithms on an LP that `fundplan solve --emit-lp FILE` wrote.
//
//   g++ -O2 -std=c++17 -o lemon-flow bench/lemon/lemon-flow.cpp -llemon
//   ./lemon-flow model.lp [--runs N]
//
// A measuring tool, not part of fundplan (see bench/lemon/README.md). It reads the CPLEX LP
// format as src/solver/lp-format.ts writes it (one objective, rows r<i> / r<i>_hi / r<i>_lo
// whose coefficients are all 1, column bounds, no integer sections), splits the rows into two
// laminar families (largest rows first, each into the first family it nests in), and builds the
// flow network: source → first family's tree → column arcs → second family's tree → sink, plus a
// return arc sink → source. Amounts and costs are scaled to exact 64-bit integers by their
// decimal places. It prints one JSON line: the network's size and, per algorithm, status,
// objective (in the LP's own units and sense) and the run time (the fastest of --runs, build
// excluded). LEMON does not report a pivot count, so none is printed.
#include <lemon/cost_scaling.h>
#include <lemon/network_simplex.h>
#include <lemon/smart_graph.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <map>
#include <sstream>
#include <string>
#include <vector>

using i64 = long long;

[[noreturn]] static void fail(const std::string& what) {
  std::printf("{\"error\": \"%s\"}\n", what.c_str());
  std::exit(2);
}

// A decimal number as written by JavaScript's String(v): digits, an optional point, an optional exponent.
struct Dec {
  bool neg = false;
  std::string digits;  // without the point, leading zeros allowed
  int exp10 = 0;       // value = digits × 10^exp10
};

static Dec parseDec(const std::string& s) {
  Dec d;
  size_t i = 0;
  if (i < s.size() && (s[i] == '-' || s[i] == '+')) d.neg = s[i++] == '-';
  int frac = 0;
  bool point = false;
  for (; i < s.size() && s[i] != 'e' && s[i] != 'E'; i++) {
    if (s[i] == '.') point = true;
    else if (s[i] >= '0' && s[i] <= '9') {
      d.digits += s[i];
      if (point) frac++;
    } else fail("not a number: " + s);
  }
  if (d.digits.empty()) fail("not a number: " + s);
  int e = 0;
  if (i < s.size()) e = std::atoi(s.c_str() + i + 1);
  d.exp10 = e - frac;
  return d;
}

static int decimals(const Dec& d) {
  // Trailing zeros do not count.
  int z = 0;
  for (size_t k = d.digits.size(); k > 0 && d.digits[k - 1] == '0'; k--) z++;
  return std::max(0, -(d.exp10 + z));
}

static i64 scaled(const Dec& d, int places) {
  int e = d.exp10 + places;
  if (e < 0) fail("internal: scale too small");
  std::string s = d.digits + std::string(e, '0');
  size_t k = s.find_first_not_of('0');
  if (k == std::string::npos) return 0;
  s = s.substr(k);
  if (s.size() > 18) fail("an amount too large for 64-bit integers after scaling");
  i64 v = std::stoll(s);
  return d.neg ? -v : v;
}

struct Row {
  std::vector<int> cols;
  bool hasLo = false, hasHi = false;
  Dec lo, hi;
};

struct Lp {
  bool maximize = true;
  std::vector<Dec> cost;  // per column (0 when absent)
  std::vector<bool> hasCost;
  std::vector<Dec> lower, upper;
  std::vector<bool> hasUpper;
  std::vector<Row> rows;
};

static int colIndex(const std::string& t) {
  if (t.size() < 2 || t[0] != 'x') fail("expected a column name x<j>, found " + t);
  return std::atoi(t.c_str() + 1);
}

static Lp readLp(const char* path) {
  std::ifstream in(path);
  if (!in) fail(std::string("cannot read ") + path);
  Lp lp;
  std::map<int, int> rowOf;  // r<i> → index into lp.rows
  std::string line, section;
  std::vector<std::string> pending;  // tokens of the current objective or row
  std::string pendingName;
  auto grow = [&](int j) {
    if (j >= (int)lp.cost.size()) {
      lp.cost.resize(j + 1);
      lp.hasCost.resize(j + 1, false);
      lp.lower.resize(j + 1);
      lp.upper.resize(j + 1);
      lp.hasUpper.resize(j + 1, false);
    }
  };
  // Terms: [sign] [coefficient] x<j>, then for rows a relation and a number.
  auto flush = [&]() {
    if (pendingName.empty()) return;
    std::vector<std::pair<Dec, int>> terms;
    std::string rel, rhs;
    bool neg = false;
    std::string coef;
    for (size_t k = 0; k < pending.size(); k++) {
      const std::string& t = pending[k];
      if (t == "+" || t == "-") neg = t == "-";
      else if (t == "<=" || t == ">=" || t == "=") {
        rel = t;
        if (k + 1 >= pending.size()) fail("a row without its right-hand side: " + pendingName);
        rhs = pending[k + 1];
        break;
      } else if (t[0] == 'x') {
        Dec c = parseDec(coef.empty() ? "1" : coef);
        c.neg = neg;
        terms.push_back({c, colIndex(t)});
        neg = false;
        coef.clear();
      } else coef = t;
    }
    if (pendingName == "obj") {
      for (auto& [c, j] : terms) {
        grow(j);
        lp.cost[j] = c;
        lp.hasCost[j] = true;
      }
    } else {
      if (rel.empty()) fail("a row without a relation: " + pendingName);
      if (pendingName[0] != 'r') fail("unexpected row name " + pendingName);
      int i = std::atoi(pendingName.c_str() + 1);
      auto it = rowOf.find(i);
      int r;
      if (it == rowOf.end()) {
        r = (int)lp.rows.size();
        rowOf[i] = r;
        lp.rows.emplace_back();
        for (auto& [c, j] : terms) {
          // "0 x0" stands for an empty row.
          if (c.digits.find_first_not_of('0') == std::string::npos) continue;
          if (c.neg || decimals(c) != 0 || scaled(c, 0) != 1) fail("row " + pendingName + " has a coefficient other than 1: not a flow network");
          grow(j);
          lp.rows[r].cols.push_back(j);
        }
      } else r = it->second;
      Row& row = lp.rows[r];
      Dec v = parseDec(rhs);
      if (rel == "<=" || rel == "=") row.hasHi = true, row.hi = v;
      if (rel == ">=" || rel == "=") row.hasLo = true, row.lo = v;
    }
    pending.clear();
    pendingName.clear();
  };
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line[0] == '\\') continue;
    if (line == "Maximize" || line == "Minimize") {
      lp.maximize = line == "Maximize";
      section = "obj";
      continue;
    }
    if (line == "Subject To") {
      flush();
      section = "rows";
      continue;
    }
    if (line == "Bounds") {
      flush();
      section = "bounds";
      continue;
    }
    if (line == "General" || line == "Semi-continuous" || line == "Binary") fail("an integer model: not a min-cost flow");
    if (line == "End") break;
    std::istringstream ss(line);
    std::vector<std::string> toks;
    for (std::string t; ss >> t;) toks.push_back(t);
    if (toks.empty()) continue;
    if (section == "bounds") {
      // l <= x<j> [<= u]
      if (toks.size() < 3 || toks[1] != "<=") fail("unexpected bound line: " + line);
      int j = colIndex(toks[2]);
      grow(j);
      lp.lower[j] = parseDec(toks[0]);
      if (toks.size() >= 5) lp.upper[j] = parseDec(toks[4]), lp.hasUpper[j] = true;
      continue;
    }
    if (toks[0].back() == ':') {
      flush();
      pendingName = toks[0].substr(0, toks[0].size() - 1);
      size_t u = pendingName.find('_');
      if (u != std::string::npos) pendingName = pendingName.substr(0, u);
      toks.erase(toks.begin());
    }
    pending.insert(pending.end(), toks.begin(), toks.end());
  }
  flush();
  return lp;
}

using Graph = lemon::SmartDigraph;

struct Network {
  Graph g;
  Graph::ArcMap<i64> lower{g}, upper{g}, cost{g};
  i64 amountScale = 1, costScale = 1;
  int familyRows[2] = {0, 0};
};

// Two laminar families: rows largest first; each goes into the first family in which all its
// columns have the same deepest row (which makes it nested in or disjoint from every row there).
static void build(const Lp& lp, Network& net) {
  const int n = (int)lp.cost.size();
  int placesAmount = 0, placesCost = 0;
  for (int j = 0; j < n; j++) {
    if (lp.hasCost[j]) placesCost = std::max(placesCost, decimals(lp.cost[j]));
    placesAmount = std::max(placesAmount, decimals(lp.lower[j]));
    if (lp.hasUpper[j]) placesAmount = std::max(placesAmount, decimals(lp.upper[j]));
  }
  for (const Row& r : lp.rows) {
    if (r.hasLo) placesAmount = std::max(placesAmount, decimals(r.lo));
    if (r.hasHi) placesAmount = std::max(placesAmount, decimals(r.hi));
  }
  for (int k = 0; k < placesAmount; k++) net.amountScale *= 10;
  for (int k = 0; k < placesCost; k++) net.costScale *= 10;

  std::vector<int> order(lp.rows.size());
  for (size_t r = 0; r < order.size(); r++) order[r] = (int)r;
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return lp.rows[a].cols.size() > lp.rows[b].cols.size(); });

  Graph& g = net.g;
  const Graph::Node source = g.addNode(), sink = g.addNode();
  const i64 INF = std::numeric_limits<i64>::max();
  std::vector<Graph::Node> deepest[2] = {std::vector<Graph::Node>(n, source), std::vector<Graph::Node>(n, sink)};
  auto bounds = [&](Graph::Arc a, const Row& r) {
    net.lower[a] = r.hasLo ? scaled(r.lo, placesAmount) : 0;
    net.upper[a] = r.hasHi ? scaled(r.hi, placesAmount) : INF;
    net.cost[a] = 0;
  };
  for (int r : order) {
    const Row& row = lp.rows[r];
    int family = -1;
    for (int f = 0; f < 2 && family < 0; f++) {
      bool same = true;
      for (int j : row.cols) same = same && deepest[f][j] == deepest[f][row.cols.front()];
      if (same) family = f;
    }
    if (family < 0) fail("the rows are not two laminar families: not a flow network this tool can build");
    const Graph::Node parent = row.cols.empty() ? (family == 0 ? source : sink) : deepest[family][row.cols.front()];
    const Graph::Node node = g.addNode();
    bounds(family == 0 ? g.addArc(parent, node) : g.addArc(node, parent), row);
    for (int j : row.cols) deepest[family][j] = node;
    net.familyRows[family]++;
  }
  for (int j = 0; j < n; j++) {
    Graph::Arc a = g.addArc(deepest[0][j], deepest[1][j]);
    net.lower[a] = scaled(lp.lower[j], placesAmount);
    net.upper[a] = lp.hasUpper[j] ? scaled(lp.upper[j], placesAmount) : INF;
    const i64 c = lp.hasCost[j] ? scaled(lp.cost[j], placesCost) : 0;
    net.cost[a] = lp.maximize ? -c : c;
  }
  Graph::Arc back = g.addArc(sink, source);
  net.lower[back] = 0;
  net.upper[back] = INF;
  net.cost[back] = 0;
}

template <typename Algo>
static std::string result(const char* name, const Network& net, int runs, bool maximize, void (*configure)(Algo&)) {
  double best = 1e300;
  double bestCpu = 1e300;
  std::string status;
  long double objective = 0;
  for (int k = 0; k < runs; k++) {
    Algo algo(net.g);
    algo.lowerMap(net.lower).upperMap(net.upper).costMap(net.cost);
    if (configure) configure(algo);
    auto t = std::chrono::steady_clock::now();
    std::clock_t c = std::clock();
    auto s = algo.run();
    double cpu = double(std::clock() - c) / CLOCKS_PER_SEC;
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
    best = std::min(best, seconds);
    bestCpu = std::min(bestCpu, cpu);
    status = s == Algo::OPTIMAL ? "optimal" : s == Algo::INFEASIBLE ? "infeasible" : "unbounded";
    if (s == Algo::OPTIMAL) {
      objective = algo.template totalCost<long double>() / ((long double)net.amountScale * (long double)net.costScale);
      if (maximize) objective = -objective;
    }
  }
  char buf[256];
  std::snprintf(buf, sizeof buf, "\"%s\": {\"status\": \"%s\", \"objective\": %.15Lg, \"seconds\": %.6f, \"cpuSeconds\": %.6f}", name, status.c_str(), objective, best, bestCpu);
  return buf;
}

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: lemon-flow model.lp [--runs N]\n");
    return 2;
  }
  int runs = 1;
  for (int k = 2; k + 1 < argc; k++)
    if (std::string(argv[k]) == "--runs") runs = std::max(1, std::atoi(argv[k + 1]));
  auto t0 = std::chrono::steady_clock::now();
  Lp lp = readLp(argv[1]);
  Network net;
  build(lp, net);
  double buildSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  using NS = lemon::NetworkSimplex<Graph, i64, i64>;
  using CS = lemon::CostScaling<Graph, i64, i64>;
  std::string ns = result<NS>("networkSimplex", net, runs, lp.maximize, nullptr);
  std::string cs = result<CS>("costScaling", net, runs, lp.maximize, nullptr);
  std::printf("{\"columns\": %zu, \"rows\": %zu, \"familyRows\": [%d, %d], \"nodes\": %d, \"arcs\": %d, \"readSeconds\": %.6f, %s, %s}\n", lp.cost.size(), lp.rows.size(),
              net.familyRows[0], net.familyRows[1], lemon::countNodes(net.g), lemon::countArcs(net.g), buildSeconds, ns.c_str(), cs.c_str());
  return 0;
}
