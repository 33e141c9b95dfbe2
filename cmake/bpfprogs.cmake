# Compiling eBPF C programs with clang -target bpf at build time.
#
# bpfvm_bpf_objects(TARGET SRC_DIR OUT_DIR) compiles every SRC_DIR/*.c into
# OUT_DIR/*.o as a target named TARGET. Without clang or libbpf's headers the
# target still exists but builds nothing, and BPFVM_BPF_SKIP_REASON says why, so
# that tests needing the objects can skip with that reason.

find_program(BPFVM_CLANG NAMES clang clang-16 clang-15 clang-14)
find_path(BPFVM_LIBBPF_INCLUDE bpf/bpf_helpers.h)
set(BPFVM_BPF_SKIP_REASON "")
# <linux/types.h> includes <asm/types.h>, which Debian keeps in the host's
# multiarch directory; -target bpf does not look there by itself.
execute_process(COMMAND ${CMAKE_C_COMPILER} -print-multiarch
                OUTPUT_VARIABLE BPFVM_MULTIARCH OUTPUT_STRIP_TRAILING_WHITESPACE
                ERROR_QUIET)
set(BPFVM_BPF_ASM_INCLUDE "")
if(BPFVM_MULTIARCH AND EXISTS /usr/include/${BPFVM_MULTIARCH}/asm)
  set(BPFVM_BPF_ASM_INCLUDE -I/usr/include/${BPFVM_MULTIARCH})
endif()
if(NOT BPFVM_CLANG)
  set(BPFVM_BPF_SKIP_REASON "clang not found")
elseif(NOT BPFVM_LIBBPF_INCLUDE)
  set(BPFVM_BPF_SKIP_REASON "libbpf headers (bpf/bpf_helpers.h, package libbpf-dev) not found")
endif()

function(bpfvm_bpf_objects target src_dir out_dir)
  file(GLOB srcs CONFIGURE_DEPENDS ${src_dir}/*.c)
  set(objs)
  if(BPFVM_BPF_SKIP_REASON STREQUAL "")
    file(MAKE_DIRECTORY ${out_dir})
    foreach(src ${srcs})
      get_filename_component(name ${src} NAME_WE)
      set(obj ${out_dir}/${name}.o)
      add_custom_command(OUTPUT ${obj}
        COMMAND ${BPFVM_CLANG} -O2 -g -target bpf -I${BPFVM_LIBBPF_INCLUDE} ${BPFVM_BPF_ASM_INCLUDE}
                -I${CMAKE_SOURCE_DIR}/tests/progs/include -c ${src} -o ${obj}
        DEPENDS ${src}
        COMMENT "clang -target bpf ${name}.c"
        VERBATIM)
      list(APPEND objs ${obj})
    endforeach()
  endif()
  add_custom_target(${target} ALL DEPENDS ${objs})
endfunction()
