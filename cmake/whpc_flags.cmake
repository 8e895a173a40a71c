# Warnings per target (never CMAKE_C_FLAGS). WHPC_WARNINGS_AS_ERRORS adds -Werror (dev preset).
function(whpc_set_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wno-unused-parameter
                         $<$<BOOL:${WHPC_WARNINGS_AS_ERRORS}>:-Werror>)
endfunction()
