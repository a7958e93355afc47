# Fig. 14.5: arrows r(x) - x of a DAE on a grid (drawn at their true length), over the data.
# Inputs: run (folder with points.csv and field.csv), out.
set terminal pngcairo size 900,900 font "DejaVu Sans,12"
set output out
set datafile separator ","
set size ratio -1
set key bottom right box opaque
set title "Fig. 14.5: vector field r(x) - x learned by a denoising autoencoder"
set xlabel "x_0"
set ylabel "x_1"
stats run."/field.csv" skip 1 using (sqrt($3**2 + $4**2)) name "L" nooutput
set cbrange [0:L_max]
set palette defined (0 "#9ecae1", 1 "#08306b")
set cblabel "|r(x) - x|"
plot run."/points.csv" skip 1 every 2 using 1:2 with points pt 7 ps 0.3 lc rgb "#e41a1c" title "training data", \
     sample [t=pi:4*pi] '+' using (t*cos(t)/(4*pi)):(t*sin(t)/(4*pi)) with lines lw 2 lc rgb "black" title "manifold", \
     run."/field.csv" skip 1 using 1:2:3:4:(sqrt($3**2 + $4**2)) with vectors filled head size screen 0.008,20 lw 1.5 lc palette title "r(x) - x"
