#include <gtest/gtest.h>

#include <cmath>

#include "core/json.h"

using aezoo::Json;

TEST(Json, RoundTripsNestedValues) {
  Json o = Json::object();
  o["epoch"] = 3;
  o["loss"] = 0.125;
  o["name"] = "a \"quoted\"\nline";
  o["ok"] = true;
  o["none"] = nullptr;
  Json a = Json::array();
  a.push_back(Json(1));
  a.push_back(Json(-2.5e-7));
  o["list"] = a;
  const std::string text = o.dump();
  EXPECT_EQ(text.find('\n'), std::string::npos);  // one line (JSON Lines)
  Json p = Json::parse(text);
  EXPECT_EQ(p.at("epoch").as_int(), 3);
  EXPECT_DOUBLE_EQ(p.at("loss").as_number(), 0.125);
  EXPECT_EQ(p.at("name").as_string(), "a \"quoted\"\nline");
  EXPECT_TRUE(p.at("ok").as_bool());
  EXPECT_TRUE(p.at("none").is_null());
  EXPECT_DOUBLE_EQ(p.at("list").at(1).as_number(), -2.5e-7);
  EXPECT_EQ(p.items().front().first, "epoch");  // insertion order kept
}

TEST(Json, NonFiniteNumbersBecomeNull) {
  Json o = Json::object();
  o["x"] = std::nan("");
  EXPECT_EQ(o.dump(), "{\"x\": null}");
}

TEST(Json, MalformedInputThrowsWithOffset) {
  EXPECT_THROW(Json::parse("{\"a\": }"), std::runtime_error);
  EXPECT_THROW(Json::parse("[1, 2"), std::runtime_error);
  EXPECT_THROW(Json::parse("{} x"), std::runtime_error);
  try {
    Json::parse("{\"a\" 1}");
    FAIL();
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("byte 5"), std::string::npos) << e.what();
  }
  EXPECT_THROW(Json::parse("{}").at("missing"), std::out_of_range);
}
