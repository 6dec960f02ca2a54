#ifndef FUELFLOW_CGLPK_SHIM_H
#define FUELFLOW_CGLPK_SHIM_H
// GLPK's public header, from Debian's libglpk-dev. Only the GLPK Swift module imports this.
#include <glpk.h>
#endif
