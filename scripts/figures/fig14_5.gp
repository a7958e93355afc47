# Fig. 14.5: arrows r(x) - x of a DAE on a grid over the data, all scaled by one factor (the
# longest arrow spans 1.5 grid cells) and coloured by their true length.
# field.csv columns: x0 x1 dx0 dx1. Inputs: run (folder with points.csv and field.csv), out.
set terminal pngcairo size 860,860 font "DejaVu Sans,12"
set output out
set datafile separator ","
set size ratio -1
set key below box
set title "Fig. 14.5: vector field r(x) - x learned by a denoising autoencoder"
set xlabel "x_0"
set ylabel "x_1"
stats run."/field.csv" skip 1 using (sqrt($3**2 + $4**2)) name "L" nooutput
stats run."/field.csv" skip 1 using 1 name "X" nooutput
cell = (X_max - X_min) / (sqrt(L_records) - 1)
k = 1.5 * cell / L_max
set cbrange [0:L_max]
set palette defined (0 "#c6dbef", 0.3 "#4292c6", 1 "#08306b")
set cblabel "|r(x) - x| (data units)"
plot sample [t=pi:4*pi] '+' using (t*cos(t)/(4*pi)):(t*sin(t)/(4*pi)) with lines lw 2 lc rgb "black" title "manifold", \
     run."/points.csv" skip 1 every 2 using 1:2 with points pt 7 ps 0.3 lc rgb "#e41a1c" title "training data", \
     run."/field.csv" skip 1 using 1:2:(k*$3):(k*$4):(sqrt($3**2 + $4**2)) with vectors filled head size screen 0.008,20 lw 1.5 lc palette title sprintf("r(x) - x (scaled x %.2f)", k)
