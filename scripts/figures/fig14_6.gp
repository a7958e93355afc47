# Fig. 14.6: tangent lines at test points of the spiral: true (black), CAE Jacobian (blue),
# local PCA (orange). tangents.csv columns: x0 x1 jac0 jac1 pca0 pca1 true0 true1 err_jac
# err_pca. Inputs: run, out.
set terminal pngcairo size 900,900 font "DejaVu Sans,12"
set output out
set datafile separator ","
set size ratio -1
set key bottom right box opaque
set title "Fig. 14.6: tangent lines of the manifold at data points"
set xlabel "x_0"
set ylabel "x_1"
h = 0.09
plot run."/points.csv" skip 1 using 1:2 with points pt 7 ps 0.3 lc rgb "#bbbbbb" title "training data", \
     run."/tangents.csv" skip 1 every 4 using ($1-h*$7):($2-h*$8):(2*h*$7):(2*h*$8) with vectors nohead lw 6 lc rgb "#000000" title "true tangent", \
     run."/tangents.csv" skip 1 every 4 using ($1-h*$3):($2-h*$4):(2*h*$3):(2*h*$4) with vectors nohead lw 3 lc rgb "#1f78b4" title "contractive AE: leading right singular vector of df/dx", \
     run."/tangents.csv" skip 1 every 4 using ($1-h*$5):($2-h*$6):(2*h*$5):(2*h*$6) with vectors nohead lw 2 dt 2 lc rgb "#ff7f00" title "local PCA (k = 10 neighbours)", \
     run."/tangents.csv" skip 1 every 4 using 1:2 with points pt 7 ps 0.8 lc rgb "#e41a1c" title "points x"
