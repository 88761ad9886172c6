// The single Boost.Test entry point; every suite lives in its own file under unit/ or integration/.
#define BOOST_TEST_MODULE ferry
#include <boost/test/unit_test.hpp>
