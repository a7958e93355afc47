# Fig. 14.8: (a) the kNN graph on the swiss roll in 3-D, (b) Isomap's 2-D embedding, (c) an
# autoencoder's 2-D code; colour = true coordinate t. isomap.csv columns: x0 x1 x2 c0 c1
# iso0 iso1 code0 code1; edges.csv: i j a0 a1 a2 b0 b1 b2. Inputs: run, out.
set terminal pngcairo size 1500,560 font "DejaVu Sans,11"
set output out
set datafile separator ","
set palette defined (0 "#440154", 1 "#3b528b", 2 "#21918c", 3 "#5ec962", 4 "#fde725")
unset colorbox
set cbrange [1.5*pi:4.5*pi]  # the swiss roll's t
set multiplot layout 1,3 title "Fig. 14.8: nearest-neighbour graph on the swiss roll, and the embeddings it gives" font ",13"

set title "(a) k-nearest-neighbour graph (k = 6)"
set view 72, 18, 1.25
set xyplane 0
set xlabel "x_0"
set ylabel "x_1"
set zlabel "x_2"
set xtics 0.5
set ytics 0.5
set ztics 0.5
splot run."/edges.csv" skip 1 using 3:4:5:($6-$3):($7-$4):($8-$5) with vectors nohead lw 0.6 lc rgb "#999999" notitle, \
      run."/isomap.csv" skip 1 using 1:2:3:4 with points pt 7 ps 0.45 lc palette notitle

set title "(b) Isomap: classical MDS of graph geodesics"
set xlabel "embedding 1"
set ylabel "embedding 2"
unset zlabel
set xtics auto
set ytics auto
set size ratio -1
plot run."/isomap.csv" skip 1 using 6:7:4 with points pt 7 ps 0.45 lc palette notitle

set title "(c) autoencoder 2-D code (3-128-128-2)"
set xlabel "code 1"
set ylabel "code 2"
set size ratio 0
plot run."/isomap.csv" skip 1 using 8:9:4 with points pt 7 ps 0.45 lc palette notitle
unset multiplot
