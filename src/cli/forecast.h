/* forecast.h — `hamyari forecast`: the hospital-load forecast on the command line. */
#ifndef HY_CLI_FORECAST_H
#define HY_CLI_FORECAST_H

int hy_cmd_forecast(int argc, char **argv);

#endif
