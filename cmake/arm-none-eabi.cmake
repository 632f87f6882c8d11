# CMake toolchain file for bare-metal Arm Cortex-M with Debian's
# gcc-arm-none-eabi, libstdc++-arm-none-eabi-newlib and
# libnewlib-arm-none-eabi (cmake/install-deps.sh installs them):
#
#   cmake -S examples/firmware -B build/firmware -G Ninja \
#         -DCMAKE_TOOLCHAIN_FILE=cmake/arm-none-eabi.cmake
#
# The CPU (-mcpu) is a property of each image (examples/firmware sets it per
# board), so one configure can build for several cores. Compiling a test
# program links nothing (there is no startup code yet at that point).
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR arm)
set(CMAKE_C_COMPILER arm-none-eabi-gcc)
set(CMAKE_CXX_COMPILER arm-none-eabi-g++)
set(CMAKE_ASM_COMPILER arm-none-eabi-gcc)
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)
find_program(TINYLM_ARM_OBJCOPY arm-none-eabi-objcopy)
find_program(TINYLM_ARM_NM arm-none-eabi-nm)
find_program(TINYLM_ARM_SIZE arm-none-eabi-size)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
