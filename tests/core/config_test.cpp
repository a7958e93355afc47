// ConfigNode: typed getters, defaults and the resolved tree, the error messages (file, line,
// key path, what was expected), overrides and finish().
#include "core/config.h"

#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "core/error.h"
#include "test_util.h"

namespace aezoo {
namespace {

ConfigNode parse(const std::string& text) {
  return ConfigNode::load_string(text, "test.yaml");
}

/// The message of the ConfigError thrown by `f` ("" and a test failure when none is thrown).
std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const ConfigError& e) {
    return e.what();
  }
  ADD_FAILURE() << "no ConfigError thrown";
  return "";
}

TEST(ConfigNode, ReadsTypedValues) {
  ConfigNode root = parse(
      "name: demo\n"
      "count: -3\n"
      "rate: 1e-3\n"
      "ratio: .5\n"
      "whole: 2\n"
      "flag: false\n"
      "sizes: [64, 32]\n"
      "kind: cosine\n");
  EXPECT_EQ(root.get_string("name"), "demo");
  EXPECT_EQ(root.get_int("count"), -3);
  EXPECT_DOUBLE_EQ(root.get_double("rate"), 1e-3);
  EXPECT_DOUBLE_EQ(root.get_double("ratio"), 0.5);
  EXPECT_DOUBLE_EQ(root.get_double("whole"), 2.0);
  EXPECT_FALSE(root.get_bool("flag"));
  EXPECT_EQ(root.get_int_list("sizes"), (std::vector<int64_t>{64, 32}));
  EXPECT_EQ(root.get_choice("kind", {"step", "cosine"}), "cosine");
  EXPECT_NO_THROW(root.finish());
}

TEST(ConfigNode, DefaultsAreReturnedAndRecordedInReadOrder) {
  ConfigNode root = parse("b: 7\n");
  EXPECT_EQ(root.get_string("s", std::string("x")), "x");
  EXPECT_EQ(root.get_int("b", 1), 7);
  EXPECT_EQ(root.get_int("a", 5), 5);
  ConfigNode sub = root.child("sub");
  EXPECT_DOUBLE_EQ(sub.get_double("lr", 0.1), 0.1);
  EXPECT_TRUE(sub.get_bool("shuffle", true));
  EXPECT_EQ(sub.get_int_list("h", std::vector<int64_t>{}), std::vector<int64_t>{});
  EXPECT_EQ(root.resolved_yaml(),
            "s: x\n"
            "b: 7\n"
            "a: 5\n"
            "sub:\n"
            "  lr: 0.1\n"
            "  shuffle: true\n"
            "  h: []\n");
  // Called on a child, it still covers the whole document.
  EXPECT_EQ(sub.resolved_yaml(), root.resolved_yaml());
}

TEST(ConfigNode, RereadingAKeyKeepsItsPlaceInTheResolvedTree) {
  ConfigNode root = parse("model: {type: ae, k: 2}\nz: 1\n");
  ConfigNode model = root.child("model");
  EXPECT_EQ(model.get_string("type"), "ae");
  EXPECT_EQ(root.get_int("z"), 1);
  ConfigNode again = root.child("model");
  EXPECT_EQ(again.get_string("type"), "ae");
  EXPECT_EQ(again.get_int("k"), 2);
  EXPECT_EQ(root.resolved_yaml(), "model:\n  type: ae\n  k: 2\nz: 1\n");
  EXPECT_NO_THROW(again.finish());
}

TEST(ConfigNode, ResolvedStringsReloadAsTheSameStrings) {
  const std::vector<std::string> values = {"",
                                           "0",
                                           "1.5",
                                           "true",
                                           "no",
                                           "null",
                                           "~",
                                           "a: b",
                                           "#x",
                                           "say \"hi\"",
                                           "back\\slash",
                                           "tab\there",
                                           "line\nbreak",
                                           "runs/fashion_vae",
                                           "/tmp/r",
                                           "-",
                                           "[1]",
                                           "caf\xc3\xa9"};
  ConfigNode root = parse("unused: 1\n");
  for (size_t i = 0; i < values.size(); ++i) {
    root.get_string("k" + std::to_string(i), values[i]);
  }
  const std::string yaml = root.resolved_yaml();
  EXPECT_NE(yaml.find("k13: runs/fashion_vae\n"), std::string::npos) << yaml;
  EXPECT_NE(yaml.find("k14: /tmp/r\n"), std::string::npos) << yaml;
  ConfigNode back = parse(yaml);
  for (size_t i = 0; i < values.size(); ++i) {
    EXPECT_EQ(back.get_string("k" + std::to_string(i)), values[i]) << "value #" << i << "\n"
                                                                   << yaml;
  }
}

TEST(ConfigNode, ResolvedNumbersReloadExactly) {
  const std::vector<double> values = {0.1, 1e-3, 1e-8, 3.0, 2000.0, -2.5, 1e300, 0.1 + 0.2, 0.0};
  ConfigNode root = parse("unused: 1\n");
  for (size_t i = 0; i < values.size(); ++i) {
    root.get_double("d" + std::to_string(i), values[i]);
  }
  root.get_int("big", INT64_MAX);
  const std::string yaml = root.resolved_yaml();
  // Floats always carry a '.' so every YAML reader takes them for floats.
  EXPECT_NE(yaml.find("d1: 0.001\n"), std::string::npos) << yaml;
  EXPECT_NE(yaml.find("d2: 1.0e-08\n"), std::string::npos) << yaml;
  EXPECT_NE(yaml.find("d3: 3.0\n"), std::string::npos) << yaml;
  EXPECT_NE(yaml.find("d4: 2000.0\n"), std::string::npos) << yaml;
  ConfigNode back = parse(yaml);
  for (size_t i = 0; i < values.size(); ++i) {
    EXPECT_EQ(back.get_double("d" + std::to_string(i)), values[i]) << yaml;
  }
  EXPECT_EQ(back.get_int("big"), INT64_MAX);
}

TEST(ConfigNode, IntegersRejectFractionsExponentsAndWords) {
  for (const char* bad : {"1.5", "1e3", "0x10", "ten", "1 000", "--1", "+", "2.0"}) {
    ConfigNode root = parse(std::string("n: ") + bad + "\n");
    const std::string msg = error_of([&] { root.get_int("n", 1, 1); });
    EXPECT_NE(
        msg.find("test.yaml:1: key 'n': expected an integer >= 1, got '" + std::string(bad) + "'"),
        std::string::npos)
        << msg;
  }
  ConfigNode root = parse("n: 99999999999999999999\n");
  EXPECT_NE(error_of([&] { root.get_int("n"); }).find("out of the 64-bit range"),
            std::string::npos);
  EXPECT_EQ(parse("n: +5\n").get_int("n"), 5);
}

TEST(ConfigNode, NumbersAcceptScientificNotationAndRejectTheRest) {
  EXPECT_DOUBLE_EQ(parse("x: 1.0e-3\n").get_double("x"), 1e-3);
  EXPECT_DOUBLE_EQ(parse("x: -2E2\n").get_double("x"), -200.0);
  EXPECT_DOUBLE_EQ(parse("x: \"0.25\"\n").get_double("x"), 0.25);  // quoting is not a type
  for (const char* bad : {".inf", "inf", "nan", ".nan", "0x1p3", "1,5", "fast", "1e"}) {
    ConfigNode root = parse(std::string("x: ") + bad + "\n");
    const std::string msg = error_of([&] { root.get_double("x"); });
    EXPECT_NE(msg.find("test.yaml:1: key 'x': expected a number, got '" + std::string(bad) + "'"),
              std::string::npos)
        << msg;
  }
  ConfigNode root = parse("x: 1e999\n");
  EXPECT_NE(error_of([&] { root.get_double("x"); }).find("out of the double range"),
            std::string::npos);
}

TEST(ConfigNode, BooleansAreTrueOrFalseOnly) {
  EXPECT_TRUE(parse("b: true\n").get_bool("b"));
  for (const char* bad : {"yes", "True", "1", "on", "y"}) {
    ConfigNode root = parse(std::string("x: 1\nb: ") + bad + "\n");
    const std::string msg = error_of([&] { root.get_bool("b"); });
    EXPECT_NE(
        msg.find("test.yaml:2: key 'b': expected true or false, got '" + std::string(bad) + "'"),
        std::string::npos)
        << msg;
  }
}

TEST(ConfigNode, RangeErrorsStateTheBounds) {
  ConfigNode root = parse(
      "a: 0\n"
      "b: 11\n"
      "c: 12\n"
      "lr: -1\n"
      "f: 1\n"
      "g: 0\n"
      "h: 5\n");
  EXPECT_NE(error_of([&] {
              root.get_int("a", {}, 1);
            }).find("test.yaml:1: key 'a': expected an integer >= 1, got 0"),
            std::string::npos);
  EXPECT_NE(error_of([&] {
              root.get_int("b", {}, {}, 10);
            }).find("test.yaml:2: key 'b': expected an integer <= 10, got 11"),
            std::string::npos);
  EXPECT_NE(error_of([&] {
              root.get_int("c", {}, 0, 10);
            }).find("key 'c': expected an integer in [0, 10], got 12"),
            std::string::npos);
  EXPECT_NE(error_of([&] {
              root.get_number("lr", 1e-3, Bound{0, true});
            }).find("test.yaml:4: key 'lr': expected a number > 0, got -1"),
            std::string::npos);
  EXPECT_NE(error_of([&] {
              root.get_number("f", {}, Bound{0}, Bound{1, true});
            }).find("test.yaml:5: key 'f': expected a number in [0, 1), got 1"),
            std::string::npos);
  EXPECT_NE(error_of([&] {
              root.get_number("g", {}, Bound{0, true}, Bound{1});
            }).find("key 'g': expected a number in (0, 1], got 0"),
            std::string::npos);
  EXPECT_NE(error_of([&] {
              root.get_double("h", {}, {}, 2.5);
            }).find("test.yaml:7: key 'h': expected a number <= 2.5, got 5"),
            std::string::npos);
  // The bounds themselves are inside closed ranges.
  EXPECT_EQ(parse("a: 1\n").get_int("a", {}, 1, 1), 1);
  EXPECT_DOUBLE_EQ(parse("g: 1\n").get_number("g", {}, Bound{0, true}, Bound{1}), 1.0);
}

TEST(ConfigNode, ChoiceErrorListsTheChoices) {
  ConfigNode root = parse("trainer:\n  optimizer:\n    type: adma\n");
  ConfigNode opt = root.child("trainer").child("optimizer");
  EXPECT_EQ(error_of([&] {
              opt.get_choice("type", {"adam", "adamw", "sgd", "rmsprop"});
            }),
            "test.yaml:3: key 'trainer.optimizer.type': expected one of adam, adamw, sgd, rmsprop, "
            "got 'adma'");
}

TEST(ConfigNode, MissingRequiredKeyNamesTheParentLine) {
  ConfigNode root = parse("name: x\n\nmodel:\n  latent_dim: 2\n");
  EXPECT_EQ(error_of([&] { root.get_string("title"); }), "test.yaml: missing required key 'title'");
  ConfigNode model = root.child("model", true);
  EXPECT_EQ(error_of([&] { model.get_string("type"); }),
            "test.yaml:3: missing required key 'model.type'");
  EXPECT_EQ(error_of([&] { root.child("output", true); }),
            "test.yaml: missing required key 'output'");
  // An absent optional section: its required keys are still required.
  ConfigNode absent = root.child("extra");
  EXPECT_EQ(error_of([&] { absent.get_int_list("hidden"); }),
            "test.yaml: missing required key 'extra.hidden'");
}

TEST(ConfigNode, UnknownKeyListsTheAllowedKeysAtItsLine) {
  ConfigNode root = parse(
      "model:\n"
      "  type: autoencoder\n"
      "  latent_dim: 2\n"
      "  latnet_dim: 3\n");
  ConfigNode model = root.child("model");
  model.get_string("type");
  model.get_int("latent_dim");
  model.get_int_list("hidden", std::vector<int64_t>{64});
  EXPECT_EQ(error_of([&] { model.finish(); }),
            "test.yaml:4: unknown key 'model.latnet_dim' (allowed: type, latent_dim, hidden)");
  EXPECT_NO_THROW(root.finish());
  ConfigNode nothing_read = parse("a: 1\n");
  EXPECT_EQ(error_of([&] { nothing_read.finish(); }),
            "test.yaml:1: unknown key 'a' (no keys allowed here)");
}

TEST(ConfigNode, HasDoesNotMarkAKeyAsRead) {
  ConfigNode root = parse("a: 1\nb: ~\n");
  EXPECT_TRUE(root.has("a"));
  EXPECT_TRUE(root.has("b"));
  EXPECT_FALSE(root.has("c"));
  EXPECT_NE(error_of([&] { root.finish(); }).find("unknown key 'a'"), std::string::npos);
}

TEST(ConfigNode, WrongShapesAreNamed) {
  ConfigNode root = parse(
      "data: 5\n"
      "trainer: [1, 2]\n"
      "epochs: {a: 1}\n"
      "hidden: [64, x]\n"
      "sizes: 64\n"
      "empty:\n"
      "name:\n");
  EXPECT_EQ(error_of([&] { root.child("data"); }),
            "test.yaml:1: key 'data': expected a mapping (key: value pairs), got the scalar '5'");
  EXPECT_EQ(error_of([&] { root.child("trainer"); }),
            "test.yaml:2: key 'trainer': expected a mapping (key: value pairs), got a list");
  EXPECT_EQ(error_of([&] { root.get_int("epochs", 10, 1); }),
            "test.yaml:3: key 'epochs': expected an integer >= 1, got a mapping");
  EXPECT_EQ(error_of([&] { root.get_int_list("hidden", {}, 1); }),
            "test.yaml:4: key 'hidden[1]': expected an integer >= 1, got 'x'");
  EXPECT_EQ(error_of([&] { root.get_int_list("sizes"); }),
            "test.yaml:5: key 'sizes': expected a list of integers, e.g. [64, 32], got the scalar "
            "'64'");
  // An empty value is an empty mapping for a section but not a value for a scalar.
  EXPECT_NO_THROW(root.child("empty").finish());
  EXPECT_EQ(error_of([&] { root.get_string("name", std::string("x")); }),
            "test.yaml:7: key 'name': expected a string, got an empty value");
}

TEST(ConfigNode, ChildOrTypeAcceptsBothSpellings) {
  for (const std::string text :
       {"optimizer: sgd\n", "optimizer: {type: sgd}\n", "optimizer:\n  type: sgd\n"}) {
    ConfigNode root = parse(text);
    ConfigNode opt = root.child_or_type("optimizer");
    EXPECT_EQ(opt.path(), "optimizer");
    EXPECT_EQ(opt.get_choice("type", {"adam", "sgd"}, std::string("adam")), "sgd") << text;
    EXPECT_DOUBLE_EQ(opt.get_double("lr", 0.1), 0.1);
    EXPECT_NO_THROW(opt.finish());
    EXPECT_NO_THROW(root.finish());
    EXPECT_EQ(root.resolved_yaml(), "optimizer:\n  type: sgd\n  lr: 0.1\n") << text;
  }
  ConfigNode absent = parse("x: 1\n");
  EXPECT_EQ(
      absent.child_or_type("scheduler").get_choice("type", {"none", "step"}, std::string("none")),
      "none");
}

TEST(ConfigNode, ChildOrTypeKeepsTheLineOfTheShortForm) {
  ConfigNode root = parse("a: 1\noptimizer: adma\n");
  ConfigNode opt = root.child_or_type("optimizer");
  EXPECT_EQ(error_of([&] {
              opt.get_choice("type", {"adam", "sgd"});
            }),
            "test.yaml:2: key 'optimizer.type': expected one of adam, sgd, got 'adma'");
  ConfigNode list = parse("a: 1\noptimizer: [adam]\n");
  EXPECT_EQ(error_of([&] { list.child_or_type("optimizer"); }),
            "test.yaml:2: key 'optimizer': expected a type name or a mapping with a 'type' key, "
            "got a list");
}

TEST(ConfigNode, FailNamesKeyAndLine) {
  ConfigNode root = parse("trainer:\n  batch_size: 8\n  eval_batch_size: 4\n");
  ConfigNode trainer = root.child("trainer");
  EXPECT_EQ(error_of([&] { trainer.fail("eval_batch_size", "must be >= batch_size (8)"); }),
            "test.yaml:3: key 'trainer.eval_batch_size': must be >= batch_size (8)");
  EXPECT_EQ(error_of([&] { trainer.fail("absent", "is needed here"); }),
            "test.yaml:1: key 'trainer.absent': is needed here");
  EXPECT_EQ(error_of([&] { trainer.fail_here("latent_dim must be positive"); }),
            "test.yaml:1: key 'trainer': latent_dim must be positive");
}

TEST(ConfigNode, SyntaxErrorsGiveTheLine) {
  const std::string text =
      "name: x\n"
      "model:\n"
      "  type: autoencoder\n"
      "  hidden: [64, 32\n"
      "trainer:\n"
      "  epochs: 2\n";
  const std::string msg = error_of([&] { parse(text); });
  // yaml-cpp notices at line 5; the bracket left open is on line 4.
  EXPECT_EQ(msg.rfind("test.yaml:4: YAML syntax error: end of sequence flow not found", 0), 0u)
      << msg;
  EXPECT_NE(msg.find("line 4 is never closed"), std::string::npos) << msg;

  const std::string msg2 = error_of([&] { parse("a: 1\nb:\n  c: 1\n d: 2\n"); });
  EXPECT_EQ(msg2.rfind("test.yaml:4: YAML syntax error: ", 0), 0u) << msg2;
  // A '[' inside a comment or a quoted string is not a bracket.
  const std::string msg3 = error_of([&] { parse("a: '[x'  # [y\nb: {c: 1, d: [2]\ne: 3\n"); });
  EXPECT_EQ(msg3.rfind("test.yaml:2: YAML syntax error: end of map flow not found", 0), 0u) << msg3;
}

TEST(ConfigNode, DocumentShapeIsChecked) {
  EXPECT_EQ(error_of([&] { parse(""); }),
            "test.yaml: empty document (expected a mapping of key: value pairs)");
  EXPECT_EQ(error_of([&] { parse("# only a comment\n"); }),
            "test.yaml: empty document (expected a mapping of key: value pairs)");
  EXPECT_EQ(error_of([&] { parse("# list\n- a\n- b\n"); }),
            "test.yaml:2: expected a mapping (key: value pairs) at the top level, got a list");
  EXPECT_EQ(error_of([&] { parse("a: 1\n---\nb: 2\n"); }),
            "test.yaml:3: expected one YAML document, found 2");
  EXPECT_EQ(error_of([&] { parse("trainer:\n  epochs: 2\n  lr: 1\n  epochs: 3\n"); }),
            "test.yaml:4: duplicate key 'trainer.epochs' (first on line 2)");
  EXPECT_EQ(error_of([&] { parse("a:\n  [x]: 1\n"); }),
            "test.yaml:2: in 'a': expected a name as key, got a list");
}

TEST(ConfigNode, LoadFileReportsUnreadableFiles) {
  test::TempDir dir;
  const std::string missing = dir.file("missing.yaml");
  EXPECT_EQ(error_of([&] { ConfigNode::load_file(missing); }),
            missing + ": cannot read (No such file or directory)");
  EXPECT_EQ(error_of([&] { ConfigNode::load_file(dir.path().string()); }),
            dir.path().string() + ": cannot read (Is a directory)");
  const std::string good = dir.file("good.yaml");
  test::write_file(good, "a: 1\nb: [\n");
  EXPECT_EQ(
      error_of([&] { ConfigNode::load_file(good); }).rfind(good + ":2: YAML syntax error: ", 0),
      0u);
  test::write_file(good, "a: 1\n");
  ConfigNode root = ConfigNode::load_file(good);
  EXPECT_EQ(root.file(), good);
  EXPECT_EQ(root.path(), "");
  EXPECT_EQ(root.get_int("a"), 1);
}

TEST(ConfigOverrides, ChangeValuesAndCreateMissingMappings) {
  ConfigNode root = parse("trainer:\n  epochs: 10\n  optimizer: sgd\nmodel: {type: ae}\n");
  root.apply_overrides({"trainer.epochs=2",
                        "model.hidden=[64, 32]",
                        "output.dir=/tmp/r",
                        "trainer.optimizer.lr=0.5",
                        " data.seed = 3"});
  ConfigNode trainer = root.child("trainer");
  EXPECT_EQ(trainer.get_int("epochs"), 2);
  ConfigNode opt = trainer.child_or_type("optimizer");
  EXPECT_EQ(opt.get_string("type"), "sgd");  // the short form survives an override inside it
  EXPECT_DOUBLE_EQ(opt.get_double("lr"), 0.5);
  ConfigNode model = root.child("model");
  EXPECT_EQ(model.get_string("type"), "ae");
  EXPECT_EQ(model.get_int_list("hidden"), (std::vector<int64_t>{64, 32}));
  EXPECT_EQ(root.child("output").get_string("dir"), "/tmp/r");
  EXPECT_EQ(root.child("data").get_int("seed"), 3);
}

TEST(ConfigOverrides, ReplaceWholeValuesAndLaterOnesWin) {
  ConfigNode root = parse("model:\n  type: ae\n  latent_dim: 2\ndata:\n");
  root.apply_overrides({"model={type: vae}", "data.limit=5", "data.limit=7", "name=123"});
  ConfigNode model = root.child("model");
  EXPECT_EQ(model.get_string("type"), "vae");
  EXPECT_FALSE(model.has("latent_dim"));  // a mapping value replaces, it does not merge
  EXPECT_EQ(root.child("data").get_int("limit"), 7);
  EXPECT_EQ(root.get_string("name"), "123");
  EXPECT_EQ(error_of([&] { root.child("data").get_int("limit", 0, 10); }),
            "command-line override data.limit=7: key 'data.limit': expected an integer >= 10, "
            "got 7");
}

TEST(ConfigOverrides, ErrorsNameTheOverrideThatSetTheValueLast) {
  ConfigNode root = parse("trainer:\n  epochs: 10\n");
  root.apply_overrides({"trainer.epochs=ten", "trainer={epochs: x}"});
  EXPECT_EQ(error_of([&] { root.child("trainer").get_int("epochs"); }),
            "command-line override trainer={epochs: x}: key 'trainer.epochs': expected an "
            "integer, got 'x'");
}

TEST(ConfigOverrides, MalformedOverridesAreRejected) {
  for (const std::string bad : {"xyz", "=3", "trainer..epochs=1", ".a=1", "a.=1", " =1"}) {
    ConfigNode root = parse("a: 1\n");
    EXPECT_EQ(error_of([&] { root.apply_overrides({bad}); }),
              "override '" + bad + "': expected key.path=value");
  }
}

TEST(ConfigOverrides, ErrorsNameTheOverride) {
  ConfigNode root = parse("trainer:\n  epochs: 10\n");
  root.apply_overrides({"trainer.epochs=ten", "trainer.epochz=3", "trainer.optimizer={lrr: 1}"});
  ConfigNode trainer = root.child("trainer");
  EXPECT_EQ(error_of([&] { trainer.get_int("epochs", 10, 1); }),
            "command-line override trainer.epochs=ten: key 'trainer.epochs': expected an integer "
            ">= 1, got 'ten'");
  ConfigNode opt = trainer.child_or_type("optimizer");
  opt.get_double("lr", 1e-3);
  EXPECT_EQ(error_of([&] { opt.finish(); }),
            "command-line override trainer.optimizer={lrr: 1}: unknown key "
            "'trainer.optimizer.lrr' (allowed: lr)");
  EXPECT_EQ(
      error_of([&] { trainer.finish(); })
          .rfind("command-line override trainer.epochz=3: unknown key 'trainer.epochz' (allowed: "
                 "epochs, optimizer)",
                 0),
      0u);
  // Keys the override did not touch keep their file positions.
  ConfigNode other = parse("seed: x\n");
  other.apply_overrides({"name=a"});
  EXPECT_EQ(error_of([&] { other.get_int("seed"); }),
            "test.yaml:1: key 'seed': expected an integer, got 'x'");
}

TEST(ConfigOverrides, BadValuesAndPathsAreRejected) {
  ConfigNode root = parse("trainer:\n  epochs: 10\n  hidden: [1, 2]\n");
  EXPECT_EQ(error_of([&] {
              root.apply_overrides({"model.hidden=[64, 32"});
            }).rfind("command-line override model.hidden=[64, 32: YAML syntax error: ", 0),
            0u);
  EXPECT_EQ(error_of([&] { root.apply_overrides({"trainer.hidden.x=1"}); }),
            "command-line override trainer.hidden.x=1: cannot set 'trainer.hidden.x': "
            "'trainer.hidden' is a list, not a mapping");
  EXPECT_EQ(error_of([&] { root.apply_overrides({"model={a: 1, a: 2}"}); }),
            "command-line override model={a: 1, a: 2}: duplicate key 'model.a'");
}

}  // namespace
}  // namespace aezoo
