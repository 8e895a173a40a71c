# Warnings (and sanitizers) per target, never through CMAKE_C_FLAGS.
#   WHPC_WARNINGS_AS_ERRORS  adds -Werror (dev and ci presets)
#   WHPC_SANITIZE            AddressSanitizer + UndefinedBehaviorSanitizer (asan preset)
option(WHPC_SANITIZE "Build with -fsanitize=address,undefined" OFF)
function(whpc_set_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wno-unused-parameter -Wno-missing-field-initializers
                         $<$<BOOL:${WHPC_WARNINGS_AS_ERRORS}>:-Werror>)
  if(WHPC_SANITIZE)
    target_compile_options(${target} PRIVATE -fsanitize=address,undefined -fno-omit-frame-pointer
                           -fno-sanitize-recover=undefined)
    target_link_options(${target} PRIVATE -fsanitize=address,undefined)
  endif()
endfunction()
