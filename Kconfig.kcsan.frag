# Added by DEBUG=kcsan: the data race detector, for make check-kcsan.  KCSAN
# excludes KASAN (lib/Kconfig.kcsan), hence a kernel apart from DEBUG=1's;
# arm64 offers it only with EXPERT.
CONFIG_EXPERT=y
CONFIG_KCSAN=y
