# tools/tool.mk: how a dom0 program under tools/ is built and linked with libxenolith.
#
# In (set before the include):
#   SRC              the program's directory, tools/NAME, absolute
#   TOOL             the program's file name, built as $(BUILD)/NAME/$(TOOL)
#   TOOL_EXTRA_SRCS  sources from other directories compiled in too (optional)
#   TOOL_LDLIBS      more libraries to link with, e.g. -luring (optional)
# Every $(SRC)/*.c is compiled into $(BUILD)/NAME; `make lib` (a prerequisite
# of the link) builds libxenolith first.

TOP := $(abspath $(SRC)/../..)
BUILD ?= $(TOP)/build/tools
OBJ := $(BUILD)/$(notdir $(SRC))
BIN := $(OBJ)/$(TOOL)
LIB := $(BUILD)/libxenolith.a
CC ?= gcc
CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -iquote $(SRC) -iquote $(TOP)/tools \
	-iquote $(TOP)/hypervisor/include

SRCS := $(wildcard $(SRC)/*.c) $(TOOL_EXTRA_SRCS)
OBJS := $(patsubst %.c,$(OBJ)/%.o,$(notdir $(SRCS)))

.PHONY: all clean lib
all: $(BIN)

lib:
	$(MAKE) -C $(TOP)/tools/libxenolith BUILD=$(BUILD)

$(LIB): lib
	@:

$(BIN): $(OBJS) $(LIB)
	$(CC) -o $@ $(OBJS) $(LIB) $(TOOL_LDLIBS)

# One compile rule per source directory, the program's own first.
define tool_compile_rule
$$(OBJ)/%.o: $(1)/%.c
	@mkdir -p $$(dir $$@)
	$$(CC) $$(CFLAGS) -MMD -MP -c $$< -o $$@
endef
$(foreach d,$(SRC) $(filter-out $(SRC),$(sort $(patsubst %/,%,$(dir $(TOOL_EXTRA_SRCS))))),\
	$(eval $(call tool_compile_rule,$(d))))

clean:
	rm -rf $(OBJ)

-include $(OBJS:.o=.d)
