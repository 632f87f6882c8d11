# No image may contain the exception machinery, the heap or abort: the
# library is heap-free and exception-free, and a bare-metal link has none of
# them. Forbidden: __throw_*, __cxa_*, malloc, free, calloc, realloc, abort,
# _sbrk (and newlib's reentrant _malloc_r, _free_r, ...). Allowed: the
# compiler's helpers (__aeabi_*, __gnu_*) and newlib's memcpy, memset, memmove,
# strlen (copies and clears the compiler emits).
#   cmake -DNM=arm-none-eabi-nm -DDIR=<images> -P check_symbols.cmake
file(GLOB images ${DIR}/*.elf)
list(LENGTH images count)
if(count EQUAL 0)
  message(FATAL_ERROR "no images in ${DIR}")
endif()
foreach(image IN LISTS images)
  execute_process(COMMAND ${NM} ${image} OUTPUT_VARIABLE symbols RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${NM} ${image} failed")
  endif()
  string(REGEX MATCHALL "[^\n]* (__throw_[A-Za-z_]*|__cxa_[A-Za-z_]*|_?malloc|_?free|_?calloc|_?realloc|_malloc_r|_free_r|abort|_sbrk|_sbrk_r)\n" bad "${symbols}\n")
  if(bad)
    message(FATAL_ERROR "${image} has forbidden symbols:\n${bad}")
  endif()
endforeach()
message(STATUS "${count} images: no exceptions, heap or abort")
