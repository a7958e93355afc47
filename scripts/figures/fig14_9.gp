# Fig. 14.9: local charts (ellipses of 2 standard deviations in the plane of each cluster's
# two leading principal directions) over the data, coloured by cluster. *_charts.csv:
# chart x0 x1 [x2], one block per chart; *_points.csv: x0 x1 [x2] cluster. Inputs: dir, out.
set terminal pngcairo size 1400,640 font "DejaVu Sans,11"
set output out
set datafile separator ","
set palette defined (0 "#e41a1c", 1 "#377eb8", 2 "#4daf4a", 3 "#984ea3", 4 "#ff7f00", 5 "#a65628", 6 "#f781bf") maxcolors 7
unset colorbox
set multiplot layout 1,2 title "Fig. 14.9: tiling a manifold with local coordinate systems (k-means + local PCA \"pancakes\")" font ",13"

set title "spiral: 24 charts"
set size ratio -1
set xlabel "x_0"
set ylabel "x_1"
set style fill transparent solid 0.35 border
set cbrange [0:6]
plot dir."/spiral_points.csv" skip 1 using 1:2:(int($3)%7) with points pt 7 ps 0.25 lc palette notitle, \
     dir."/spiral_charts.csv" skip 1 using 2:3:(int($1)%7) with filledcurves closed lc palette notitle

set title "swiss roll: 40 charts (discs in the estimated tangent planes)"
set size ratio 0
set view 68, 28, 1.25
set xyplane 0
set xlabel "x_0"
set ylabel "x_1"
set zlabel "x_2"
set xtics 0.5
set ytics 0.5
set ztics 0.5
set pm3d depthorder border lc rgb "#333333" lw 0.5
set style fill transparent solid 0.65
# One plot element per chart (data block c), so each can get its own colour.
array C[7] = [0xe41a1c, 0x377eb8, 0x4daf4a, 0x984ea3, 0xff7f00, 0xa65628, 0xf781bf]
splot for [c=0:39] dir."/swiss_roll_charts.csv" skip 1 every :::c::c using 2:3:4 with polygons fc rgb C[c%7+1] notitle, \
      dir."/swiss_roll_points.csv" skip 1 every 2 using 1:2:3 with points pt 7 ps 0.15 lc rgb "#555555" notitle
unset multiplot
