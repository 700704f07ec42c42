FROM x
RUN  a

	USER root
