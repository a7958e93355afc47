# Fig. 14.6: tangent lines at test points of the circle: true (black), CAE Jacobian (blue),
# local PCA (orange); the right panel zooms into one arc. tangents.csv columns: x0 x1 jac0
# jac1 pca0 pca1 true0 true1 err_jac err_pca. Inputs: run, jac and pca (mean angles, in
# degrees, as text), out.
set terminal pngcairo size 1400,720 font "DejaVu Sans,12"
set output out
set datafile separator ","
set multiplot layout 1,2 title "Fig. 14.6: tangent lines of the manifold at data points" font ",14"
set size ratio -1
set key below box width -2
set xlabel "x_0"
set ylabel "x_1"
h = 0.1
set title "noisy circle (test points); mean angle to the true tangent: CAE ".jac."°, local PCA ".pca."°"
plot run."/points.csv" skip 1 using 1:2 with points pt 7 ps 0.3 lc rgb "#bbbbbb" title "training data", \
     run."/tangents.csv" skip 1 every 3 using ($1-h*$7):($2-h*$8):(2*h*$7):(2*h*$8) with vectors nohead lw 5 lc rgb "#000000" title "true tangent", \
     run."/tangents.csv" skip 1 every 3 using ($1-h*$3):($2-h*$4):(2*h*$3):(2*h*$4) with vectors nohead lw 2.5 lc rgb "#1f78b4" title "contractive AE: leading right singular vector of df/dx", \
     run."/tangents.csv" skip 1 every 3 using ($1-h*$5):($2-h*$6):(2*h*$5):(2*h*$6) with vectors nohead lw 2 dt 2 lc rgb "#ff7f00" title "local PCA of the 10 nearest training points", \
     run."/tangents.csv" skip 1 every 3 using 1:2 with points pt 7 ps 0.7 lc rgb "#e41a1c" title "point x"
set title "zoom"
h = 0.05
set xrange [0.62:1.12]
set yrange [-0.35:0.45]
unset key
plot run."/points.csv" skip 1 using 1:2 with points pt 7 ps 0.6 lc rgb "#bbbbbb", \
     run."/tangents.csv" skip 1 using ($1-h*$7):($2-h*$8):(2*h*$7):(2*h*$8) with vectors nohead lw 5 lc rgb "#000000", \
     run."/tangents.csv" skip 1 using ($1-h*$3):($2-h*$4):(2*h*$3):(2*h*$4) with vectors nohead lw 2.5 lc rgb "#1f78b4", \
     run."/tangents.csv" skip 1 using ($1-h*$5):($2-h*$6):(2*h*$5):(2*h*$6) with vectors nohead lw 2 dt 2 lc rgb "#ff7f00", \
     run."/tangents.csv" skip 1 using 1:2 with points pt 7 ps 0.9 lc rgb "#e41a1c"
unset multiplot
